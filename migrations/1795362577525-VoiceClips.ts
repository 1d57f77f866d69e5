import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Generated from VoiceClipEntity, plus one hand-written change: a voice message is stored before
 * it is transcribed (content ''), and no reply may start for it until the transcript is in, so
 * companion_start_reply now also returns nothing when the latest user message has no text yet.
 */
export class VoiceClips1795362577525 implements MigrationInterface {
  name = 'VoiceClips1795362577525';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "voice_clips" ("message_id" uuid NOT NULL, "user_id" character varying(128) NOT NULL, "mime_type" character varying(100) NOT NULL, "container" character varying(16) NOT NULL, "codec" character varying(16) NOT NULL, "size_bytes" integer NOT NULL, "duration_sec" real NOT NULL, "audio" bytea, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "audio_deleted_at" TIMESTAMP WITH TIME ZONE, "transcript_status" character varying(16) NOT NULL DEFAULT 'pending', "language" character varying(16), "language_hint" character varying(16), "transcript_quality" jsonb, "prosody" jsonb, "processing_owner" character varying(100), "processing_lease_until" TIMESTAMP WITH TIME ZONE, "attempts" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_bcab21076d0eadbf10a9a67e09b" PRIMARY KEY ("message_id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_voice_clips_pending_lease" ON "voice_clips"  ("processing_lease_until") WHERE "transcript_status" = 'pending'`);
    await queryRunner.query(`CREATE INDEX "IDX_voice_clips_expiry" ON "voice_clips"  ("expires_at") WHERE "audio" IS NOT NULL`);
    await queryRunner.query(`ALTER TABLE "voice_clips" ADD CONSTRAINT "FK_bcab21076d0eadbf10a9a67e09b" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "voice_clips" ADD CONSTRAINT "FK_e18621101b03f627058fec14d03" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(startReplyFunction(true));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "voice_clips" DROP CONSTRAINT "FK_e18621101b03f627058fec14d03"`);
    await queryRunner.query(`ALTER TABLE "voice_clips" DROP CONSTRAINT "FK_bcab21076d0eadbf10a9a67e09b"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_voice_clips_expiry"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_voice_clips_pending_lease"`);
    await queryRunner.query(`DROP TABLE "voice_clips"`);
    await queryRunner.query(startReplyFunction(false));
  }
}

function startReplyFunction(skipUntranscribed: boolean): string {
  return `
    CREATE OR REPLACE FUNCTION companion_start_reply(
      p_conversation uuid, p_reply uuid, p_owner varchar, p_lease_ms integer, p_after_seq integer
    ) RETURNS SETOF messages LANGUAGE plpgsql AS $fn$
    DECLARE
      answering messages%ROWTYPE;
      reply_seq integer;
    BEGIN
      PERFORM 1 FROM conversations WHERE id = p_conversation FOR UPDATE;
      SELECT * INTO answering FROM messages
       WHERE conversation_id = p_conversation AND role = 'user'
       ORDER BY seq DESC LIMIT 1;
      IF NOT FOUND OR answering.seq <= p_after_seq ${skipUntranscribed ? "OR answering.content = ''" : ''} THEN
        RETURN;
      END IF;
      IF EXISTS (SELECT 1 FROM messages r
                  WHERE r.conversation_id = p_conversation AND r.role = 'assistant'
                    AND (r.status = 'streaming'
                         OR (r.seq > answering.seq AND r.status IN ('completed', 'cancelled')))) THEN
        RETURN;
      END IF;
      UPDATE conversations
         SET last_seq = last_seq + 1, last_message_at = now(), updated_at = now()
       WHERE id = p_conversation
      RETURNING last_seq INTO reply_seq;
      RETURN QUERY
        INSERT INTO messages (id, conversation_id, user_id, seq, role, kind, content, in_reply_to,
                              status, lease_owner, lease_expires_at)
        VALUES (p_reply, p_conversation, answering.user_id, reply_seq, 'assistant', 'text', '',
                answering.id, 'streaming', p_owner,
                now() + make_interval(secs => p_lease_ms / 1000.0))
        RETURNING *;
    END
    $fn$`;
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A conversation's count and title are kept by the statements that store its messages, no longer
 * by a roll-up job a while after each turn: the statement that stores a user message (and creates
 * the conversation) counts it and, while the conversation has no title, titles it with the
 * message's first words; the claim counts the reply it creates (here). Conversations whose last
 * turns the roll-up had not counted yet have their roll-up job queued, which workers still run
 * (ConversationRollupJob): nothing to recount here. Once, here: titles are taken again from the
 * first user message still kept where the user forgot (or an operator deleted) one of the
 * conversation's messages, whose words the roll-up's title kept until now (one pass over
 * messages, updating only those conversations).
 */
export class ConversationBookkeeping1796420000000 implements MigrationInterface {
  name = 'ConversationBookkeeping1796420000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(claimReply(true));
    await queryRunner.query(
      `UPDATE conversations c
          SET title = (SELECT nullif(left(btrim(regexp_replace(m.content, '\\s+', ' ', 'g')), 60), '')
                         FROM messages m
                        WHERE m.conversation_id = c.id AND m.role = 'user' AND m.content <> ''
                          AND NOT m.memory_excluded AND m.deleted_at IS NULL
                        ORDER BY m.seq LIMIT 1)
        WHERE c.id IN (SELECT x.conversation_id FROM messages x
                        WHERE x.role = 'user' AND (x.memory_excluded OR x.deleted_at IS NOT NULL))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(claimReply(false));
  }
}

/**
 * companion_claim_reply as the model-loop migration left it; `counts`: the conversation's update
 * that hands the reply its seq also counts it.
 */
function claimReply(counts: boolean): string {
  return `
      CREATE OR REPLACE FUNCTION companion_claim_reply(
        p_conversation uuid, p_reply uuid, p_owner varchar, p_lease_ms integer, p_after_seq integer,
        p_turn uuid, p_history integer
      ) RETURNS TABLE (reply messages, answering messages, answered_ids uuid[],
                       answered_kinds varchar[], summary text, history json, older_turns boolean,
                       time_zone varchar, locale varchar, taken_over_by varchar)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        conv conversations%ROWTYPE;
        latest messages%ROWTYPE;
        created messages%ROWTYPE;
        oldest_seq integer;
      BEGIN
        SELECT * INTO conv FROM conversations c WHERE c.id = p_conversation FOR UPDATE;
        SELECT * INTO latest FROM messages m
         WHERE m.conversation_id = p_conversation AND m.role = 'user'
           AND m.reply_due_at IS NOT NULL AND m.content <> '' AND m.seq > p_after_seq
         ORDER BY m.seq DESC LIMIT 1;
        IF NOT FOUND THEN
          RETURN;
        END IF;
        -- An operator holds the conversation: the model is not asked. What is owed is settled
        -- for the operator to answer; the row says so (no reply) so the turn can tell them.
        IF conv.taken_over_by IS NOT NULL THEN
          WITH settled AS (
            UPDATE messages m SET reply_due_at = NULL
             WHERE m.conversation_id = p_conversation AND m.role = 'user'
               AND m.reply_due_at IS NOT NULL AND m.seq <= latest.seq
            RETURNING m.id, m.kind, m.seq)
          SELECT array_agg(s.id ORDER BY s.seq), array_agg(s.kind ORDER BY s.seq)
            INTO answered_ids, answered_kinds FROM settled s;
          answering := latest;
          taken_over_by := conv.taken_over_by;
          RETURN NEXT;
          RETURN;
        END IF;
        IF EXISTS (SELECT 1 FROM messages s
                    WHERE s.conversation_id = p_conversation AND s.status = 'streaming') THEN
          RETURN;
        END IF;
        SELECT array_agg(m.id ORDER BY m.seq), array_agg(m.kind ORDER BY m.seq)
          INTO answered_ids, answered_kinds
          FROM messages m
         WHERE m.conversation_id = p_conversation AND m.role = 'user'
           AND m.reply_due_at IS NOT NULL AND m.content <> '' AND m.seq <= latest.seq;
        UPDATE conversations c
           SET last_seq = c.last_seq + 1,${counts ? ' message_count = c.message_count + 1,' : ''}
               last_message_at = now(), updated_at = now()
         WHERE c.id = p_conversation;
        INSERT INTO messages (id, conversation_id, user_id, seq, role, kind, content, in_reply_to,
                              status, lease_owner, lease_expires_at, turn_id)
        VALUES (p_reply, p_conversation, latest.user_id, conv.last_seq + 1, 'assistant', 'text', '',
                latest.id, 'streaming', p_owner,
                now() + make_interval(secs => p_lease_ms / 1000.0), p_turn)
        RETURNING * INTO created;
        -- What a prompt takes from the conversation: its summary and the newest turns after it
        -- that a prompt may show (never what the user asked to forget, nor a reply version
        -- another replaced), read under the lock.
        summary := conv.summary;
        SELECT coalesce(json_agg(h ORDER BY h.seq), '[]'::json), min(h.seq)
          INTO history, oldest_seq
          FROM (SELECT m.id, m.seq, m.role, m.content, m.content_tokens FROM messages m
                 WHERE m.conversation_id = p_conversation AND m.seq < created.seq
                   AND m.seq > conv.summary_until_seq AND m.content <> ''
                   AND (NOT m.memory_excluded OR m.id = latest.id)
                   AND m.replaced_at IS NULL
                   AND (m.role = 'user' OR m.status IN ('completed', 'cancelled'))
                 ORDER BY m.seq DESC LIMIT p_history) h;
        -- Whether the user said anything the prompt does not carry (recall has something to
        -- search): another conversation, or this one before the history or its summary.
        older_turns := conv.summary_until_seq > 0 OR coalesce(oldest_seq, created.seq) > 1
          OR EXISTS (SELECT 1 FROM conversations o
                      WHERE o.user_id = latest.user_id AND o.id <> p_conversation);
        SELECT u.time_zone, u.locale INTO time_zone, locale FROM users u WHERE u.id = latest.user_id;
        reply := created;
        answering := latest;
        RETURN NEXT;
      END
      $fn$`;
}

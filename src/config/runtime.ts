/** What start-up resolved: the URLs actually used, after embedded services were started. */
export interface Runtime {
  databaseUrl: string;
  llmBaseUrl: string;
  whisperBaseUrl: string;
  /** A unique name for this process, used to own reply leases. */
  instanceId: string;
  /** Services running as local stand-ins (embedded Postgres, stand-in model): never production. */
  embedded: { database: boolean; llm: boolean; whisper: boolean; redis: boolean };
}

export const RUNTIME = Symbol('RUNTIME');

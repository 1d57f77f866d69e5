import { Injectable } from '@nestjs/common';

/** Whether this pod is draining: it then refuses new connections and messages. */
@Injectable()
export class Lifecycle {
  private drainingSince: number | null = null;

  get draining(): boolean {
    return this.drainingSince !== null;
  }

  startDraining(): void {
    this.drainingSince ??= Date.now();
  }
}

import 'server-only';

/**
 * Where a metered call spends its time before and after the provider: each step's duration goes
 * to the response's `Server-Timing` header (so a browser's network panel or `curl -v` shows it)
 * and to an optional process-wide observer (the gateway benchmark's per-step breakdown).
 */

export type GatewayStep = 'route' | 'context' | 'moderation' | 'admit' | 'settle';

type StepObserver = (step: GatewayStep, ms: number) => void;

let observer: StepObserver | null = null;

/** Reports every step of every call to `onStep` until the returned function is called. */
export function observeGatewaySteps(onStep: StepObserver): () => void {
  observer = onStep;
  return () => {
    if (observer === onStep) observer = null;
  };
}

/** Times one call's steps in order: each lap() closes the step that ran since the last one. */
export class StepTimer {
  private last = performance.now();
  private readonly steps: [GatewayStep, number][] = [];

  lap(step: GatewayStep): void {
    const now = performance.now();
    const ms = now - this.last;
    this.last = now;
    this.steps.push([step, ms]);
    observer?.(step, ms);
  }

  /** The steps so far as a Server-Timing header value. */
  header(): string {
    return this.steps.map(([step, ms]) => `${step};dur=${ms.toFixed(2)}`).join(', ');
  }
}

/** Times a step that runs on its own (settlement, after the response). */
export async function timed<T>(step: GatewayStep, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    observer?.(step, performance.now() - started);
  }
}

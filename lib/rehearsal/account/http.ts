import { isoAt, type ServiceContext } from './context';

/** Waits on the (possibly virtual) global timers; rejects like fetch when the signal aborts. */
function virtualDelay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = (): Error => new DOMException('This operation was aborted', 'AbortError');
    if (signal?.aborted) {
      reject(aborted());
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(aborted());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function normalizeUrl(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

function errorText(error: unknown): string {
  const err = error instanceof Error ? error : new Error(String(error));
  return `${err.name}: ${err.message}`;
}

/** Where requests to URLs the scenario does not list go. */
export interface SimulatedHttpOptions {
  /** The real fetch. */
  readonly realFetch: typeof fetch;
  /** Wraps real I/O so a virtual clock does not advance while it is in flight. */
  readonly trackIo: <T>(work: Promise<T>) => Promise<T>;
}

/**
 * HTTP: a `fetch` that answers the scenario's URLs from their timelines (status, body, delay on the
 * virtual clock, aborted like fetch) and sends other URLs to the real network as tracked I/O; every
 * request is recorded as service `http`.
 */
export function simulatedFetch(ctx: ServiceContext, options: SimulatedHttpOptions): typeof fetch {
  const httpEntries = new Map(
    Object.entries(ctx.scenario.http).map(([url, entries]) => [normalizeUrl(url), entries]),
  );
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const callAt = isoAt(ctx.now());
    const record = (result: { output: object } | { error: string }): void =>
      ctx.record({ at: callAt, service: 'http', command: method, input: { url }, ...result });
    const entries = httpEntries.get(normalizeUrl(url));
    if (entries) {
      const current = ctx.at(entries);
      const status = current?.entry.status ?? 200;
      const noBody = method === 'HEAD' || [101, 204, 205, 304].includes(status);
      const delaySeconds = current?.entry.delaySeconds ?? 0;
      if (delaySeconds > 0) {
        try {
          await virtualDelay(delaySeconds * 1000, init?.signal ?? undefined);
        } catch (error) {
          record({ error: errorText(error) });
          throw error instanceof Error ? error : new Error(String(error));
        }
      }
      record({ output: { status, simulated: true } });
      return new Response(noBody ? null : (current?.entry.body ?? ''), { status });
    }
    try {
      const response = await options.trackIo(options.realFetch(input, init));
      record({ output: { status: response.status } });
      return response;
    } catch (error) {
      record({ error: errorText(error) });
      throw error instanceof Error ? error : new Error(String(error));
    }
  };
}

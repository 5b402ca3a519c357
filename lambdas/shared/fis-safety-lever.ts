import type { FisClient } from '@aws-sdk/client-fis';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider, ChecksumConstructor, HttpResponse } from '@smithy/types';

/**
 * FIS's account safety lever: `GetSafetyLever` (GET /safetyLevers/{id}) and `UpdateSafetyLeverState`
 * (PATCH /safetyLevers/{id}/state, body `{"state":{"status","reason"}}`), as the FIS API reference
 * documents them. The pinned @aws-sdk/client-fis 3.523 predates both, so these commands are built on
 * the client's own configuration (region, endpoint, credentials, sha256, HTTP handler) and signed with
 * SigV4 (`fis`): `fis.send(new GetSafetyLeverCommand(...))` works like any command, and test doubles of
 * the client (aws-sdk-client-mock) answer them as usual.
 */

/** The account's one safety lever. */
export const DEFAULT_SAFETY_LEVER_ID = 'default';

/** A safety lever as FIS describes it. */
export interface SafetyLever {
  readonly id?: string;
  readonly arn?: string;
  readonly state?: {
    /** `disengaged`, `engaged` or `engaging`. */
    readonly status?: string;
    readonly reason?: string;
  };
}

/** What both commands answer. */
export interface SafetyLeverOutput {
  readonly safetyLever?: SafetyLever;
  readonly $metadata: { readonly httpStatusCode?: number; readonly requestId?: string };
}

/** The parts of the FIS client's resolved configuration the commands use. */
interface FisRestConfig {
  readonly region: () => Promise<string>;
  readonly credentials: AwsCredentialIdentityProvider;
  readonly sha256: ChecksumConstructor;
  readonly requestHandler: { handle(request: HttpRequest): Promise<{ response: HttpResponse }> };
  readonly streamCollector: (body: unknown) => Promise<Uint8Array>;
  readonly useFipsEndpoint: () => Promise<boolean>;
  readonly useDualstackEndpoint: () => Promise<boolean>;
  readonly isCustomEndpoint?: boolean;
  readonly endpoint?: () => Promise<{ protocol: string; hostname: string; port?: number; path: string }>;
  readonly endpointProvider: (params: { Region: string; UseFIPS: boolean; UseDualStack: boolean }) => {
    url: URL | string;
  };
}

/** An error FIS answered, shaped like the SDK's (name, `$metadata`, `$fault`) so callers classify it. */
export class FisApiError extends Error {
  readonly $metadata: { httpStatusCode: number; requestId?: string };
  readonly $fault: 'client' | 'server';
  constructor(name: string, message: string, statusCode: number, requestId?: string) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode: statusCode, ...(requestId ? { requestId } : {}) };
    this.$fault = statusCode >= 500 ? 'server' : 'client';
  }
}

async function endpointOf(config: FisRestConfig, region: string): Promise<URL> {
  if (config.isCustomEndpoint && config.endpoint) {
    const e = await config.endpoint();
    return new URL(`${e.protocol}//${e.hostname}${e.port ? `:${e.port}` : ''}${e.path}`);
  }
  const resolved = config.endpointProvider({
    Region: region,
    UseFIPS: await config.useFipsEndpoint(),
    UseDualStack: await config.useDualstackEndpoint(),
  });
  return new URL(String(resolved.url));
}

/** Builds, signs and sends one FIS REST request with the client's configuration. */
export async function sendFisRequest(
  config: FisRestConfig,
  method: 'GET' | 'PATCH',
  path: string,
  body?: object,
): Promise<SafetyLeverOutput> {
  const region = await config.region();
  const endpoint = await endpointOf(config, region);
  const text = body === undefined ? undefined : JSON.stringify(body);
  const request = new HttpRequest({
    method,
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
    path: `${endpoint.pathname.replace(/\/$/, '')}${path}`,
    headers: {
      host: endpoint.host,
      ...(text !== undefined
        ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) }
        : {}),
    },
    ...(text !== undefined ? { body: text } : {}),
  });
  const signer = new SignatureV4({
    service: 'fis',
    region,
    credentials: config.credentials,
    sha256: config.sha256,
  });
  const signed = (await signer.sign(request)) as HttpRequest;
  const { response } = await config.requestHandler.handle(signed);
  const bytes = await config.streamCollector(response.body);
  const answer = Buffer.from(bytes).toString('utf8');
  const requestId = response.headers['x-amzn-requestid'];
  if (response.statusCode < 200 || response.statusCode >= 300) {
    let parsed: { message?: string; Message?: string; __type?: string; code?: string } = {};
    try {
      parsed = JSON.parse(answer) as typeof parsed;
    } catch {
      // not JSON: the status says enough
    }
    const name = (
      response.headers['x-amzn-errortype'] ??
      parsed.__type ??
      parsed.code ??
      `Http${response.statusCode}`
    )
      .split(':')[0]
      ?.split('#')
      .pop();
    throw new FisApiError(
      name ?? `Http${response.statusCode}`,
      parsed.message ?? parsed.Message ?? answer.slice(0, 300),
      response.statusCode,
      requestId,
    );
  }
  const output = (answer ? JSON.parse(answer) : {}) as { safetyLever?: SafetyLever };
  return {
    ...(output.safetyLever ? { safetyLever: output.safetyLever } : {}),
    $metadata: { httpStatusCode: response.statusCode, ...(requestId ? { requestId } : {}) },
  };
}

/** A command `FisClient.send` accepts whose request this file builds (see the module comment). */
abstract class FisRestCommand<Input extends object> {
  /** Unused: the request is built and signed here, not by the client's middleware. */
  readonly middlewareStack = { clone: () => this.middlewareStack } as const;
  constructor(readonly input: Input) {}
  protected abstract request(config: FisRestConfig): Promise<SafetyLeverOutput>;
  /** Called by `Client.send`: the handler sends this command's request with the client's config. */
  resolveMiddleware(_stack: unknown, configuration: unknown) {
    return async () => {
      // The client passes its resolved configuration; FisRestConfig names the fields used.
      const output = await this.request(configuration as FisRestConfig);
      return { output, response: {} };
    };
  }
}

/** `GetSafetyLever`: GET /safetyLevers/{id}. */
export class GetSafetyLeverCommand extends FisRestCommand<{ readonly id: string }> {
  protected request(config: FisRestConfig): Promise<SafetyLeverOutput> {
    return sendFisRequest(config, 'GET', `/safetyLevers/${encodeURIComponent(this.input.id)}`);
  }
}

/** `UpdateSafetyLeverState`: PATCH /safetyLevers/{id}/state with `{"state":{"status","reason"}}`. */
export class UpdateSafetyLeverStateCommand extends FisRestCommand<{
  readonly id: string;
  readonly state: { readonly status: 'engaged' | 'disengaged'; readonly reason: string };
}> {
  protected request(config: FisRestConfig): Promise<SafetyLeverOutput> {
    return sendFisRequest(config, 'PATCH', `/safetyLevers/${encodeURIComponent(this.input.id)}/state`, {
      state: { status: this.input.state.status, reason: this.input.state.reason },
    });
  }
}

/** Sends a safety-lever command through the client (its mocks and handlers included). */
export function sendSafetyLever(
  fis: Pick<FisClient, 'send'>,
  command: GetSafetyLeverCommand | UpdateSafetyLeverStateCommand,
): Promise<SafetyLeverOutput> {
  // FisClient.send is typed for the commands of its own model; this command keeps the same contract
  // (input, resolveMiddleware returning { output }) for an operation the pinned model lacks.
  const send = fis.send.bind(fis) as unknown as (c: typeof command) => Promise<SafetyLeverOutput>;
  return send(command);
}

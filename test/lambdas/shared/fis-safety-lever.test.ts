import { FisClient } from '@aws-sdk/client-fis';
import { HttpResponse, type HttpRequest } from '@smithy/protocol-http';
import { Readable } from 'node:stream';
import {
  GetSafetyLeverCommand,
  sendSafetyLever,
  UpdateSafetyLeverStateCommand,
} from '../../../lambdas/shared/fis-safety-lever';

/** A real FisClient whose HTTP handler records the request on the wire and answers `status`/`body`. */
function wire(status = 200, body: object = { safetyLever: { id: 'default', state: { status: 'engaged' } } }) {
  const requests: HttpRequest[] = [];
  const fis = new FisClient({
    region: 'eu-central-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    requestHandler: {
      handle: (request: HttpRequest) => {
        requests.push(request);
        return Promise.resolve({
          response: new HttpResponse({
            statusCode: status,
            headers: {
              'x-amzn-requestid': 'req-1',
              ...(status >= 300 ? { 'x-amzn-errortype': 'ConflictException:' } : {}),
            },
            body: Readable.from([Buffer.from(JSON.stringify(body))]),
          }),
        });
      },
    } as never,
  });
  return { fis, requests };
}

describe('FIS safety lever commands (the pinned client lacks them)', () => {
  it('sends UpdateSafetyLeverState as PATCH /safetyLevers/default/state with the documented JSON body, SigV4-signed for fis', async () => {
    const { fis, requests } = wire();

    const answer = await sendSafetyLever(
      fis,
      new UpdateSafetyLeverStateCommand({
        id: 'default',
        state: { status: 'engaged', reason: 'incident 42' },
      }),
    );

    const [request] = requests;
    expect(request?.method).toBe('PATCH');
    expect(request?.hostname).toBe('fis.eu-central-1.amazonaws.com');
    expect(request?.path).toBe('/safetyLevers/default/state');
    expect(JSON.parse(String(request?.body))).toEqual({
      state: { status: 'engaged', reason: 'incident 42' },
    });
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-central-1\/fis\/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$/,
    );
    expect(answer.safetyLever?.state?.status).toBe('engaged');
  });

  it('sends GetSafetyLever as GET /safetyLevers/default without a body', async () => {
    const { fis, requests } = wire();

    await sendSafetyLever(fis, new GetSafetyLeverCommand({ id: 'default' }));

    expect([requests[0]?.method, requests[0]?.path, requests[0]?.body]).toEqual([
      'GET',
      '/safetyLevers/default',
      undefined,
    ]);
  });

  it('rejects with the error FIS names (x-amzn-errortype) and its HTTP status', async () => {
    const { fis } = wire(409, { message: 'The safety lever is already engaging' });

    await expect(sendSafetyLever(fis, new GetSafetyLeverCommand({ id: 'default' }))).rejects.toMatchObject({
      name: 'ConflictException',
      message: 'The safety lever is already engaging',
      $metadata: { httpStatusCode: 409 },
    });
  });
});

import { Readable } from 'node:stream';
import * as s3Sdk from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import type { Route, ServiceContext } from './context';
import { serviceError } from './errors';

/** An object written to the simulated S3. */
export interface StoredObject {
  readonly body: Buffer;
  readonly contentType?: string;
  readonly lastModified: Date;
}

/** The simulated S3: its routes and the objects by `bucket/key`. */
export interface SimulatedS3 {
  readonly routes: Route[];
  readonly objects: Map<string, StoredObject>;
}

/** A PutObject body as bytes (the simulated S3 takes strings and bytes, not streams). */
export function bodyToBuffer(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body);
  throw new Error('The simulated S3 accepts string or byte bodies only (not streams)');
}

/** An S3 input or output as the call record keeps it: bodies summarized (`<n bytes>`, `<stream>`). */
export function recordableS3(command: string, value: unknown): unknown {
  if (value && typeof value === 'object' && 'Body' in value) {
    const size = command === 'PutObject' ? bodyToBuffer(value.Body).length : undefined;
    return { ...value, Body: size === undefined ? '<stream>' : `<${size} bytes>` };
  }
  return value;
}

/** Amazon S3: objects put, read back and listed (in pages, as S3 pages). */
export function simulatedS3(ctx: ServiceContext): SimulatedS3 {
  const objects = new Map<string, StoredObject>();
  const routes: Route[] = [
    {
      command: s3Sdk.PutObjectCommand,
      name: 'PutObject',
      handle: (input: s3Sdk.PutObjectCommandInput) => {
        const body = bodyToBuffer(input.Body);
        objects.set(`${input.Bucket ?? ''}/${input.Key ?? ''}`, {
          body,
          ...(input.ContentType !== undefined ? { contentType: input.ContentType } : {}),
          lastModified: new Date(ctx.now()),
        });
        return { ETag: `"${body.length.toString(16)}-rehearsal"` };
      },
    },
    {
      command: s3Sdk.GetObjectCommand,
      name: 'GetObject',
      handle: (input: s3Sdk.GetObjectCommandInput) => {
        const stored = objects.get(`${input.Bucket ?? ''}/${input.Key ?? ''}`);
        if (!stored) throw serviceError('s3', 'NoSuchKey', 'The specified key does not exist.');
        return {
          Body: sdkStreamMixin(Readable.from([stored.body])),
          ContentLength: stored.body.length,
          ...(stored.contentType !== undefined ? { ContentType: stored.contentType } : {}),
          LastModified: stored.lastModified,
        };
      },
    },
    {
      command: s3Sdk.ListObjectsV2Command,
      name: 'ListObjectsV2',
      handle: (input: s3Sdk.ListObjectsV2CommandInput) => {
        const prefix = `${input.Bucket ?? ''}/`;
        // As S3 does: keys in UTF-8 binary order, at most MaxKeys (<= 1000) a page, the rest behind
        // an opaque NextContinuationToken (here: the last key returned, base64).
        const after = input.ContinuationToken
          ? Buffer.from(input.ContinuationToken, 'base64').toString('utf8')
          : (input.StartAfter ?? '');
        const pageSize = Math.min(input.MaxKeys ?? 1000, 1000);
        const matching = [...objects.entries()]
          .filter(([key]) => key.startsWith(prefix + (input.Prefix ?? '')))
          .map(([key, stored]) => ({
            Key: key.slice(prefix.length),
            Size: stored.body.length,
            LastModified: stored.lastModified,
            StorageClass: 'STANDARD',
          }))
          .filter((o) => o.Key > after)
          .sort((a, b) => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0));
        const contents = matching.slice(0, pageSize);
        const truncated = matching.length > contents.length;
        const last = contents[contents.length - 1];
        return {
          Contents: contents,
          KeyCount: contents.length,
          IsTruncated: truncated,
          ...(truncated && last
            ? { NextContinuationToken: Buffer.from(last.Key, 'utf8').toString('base64') }
            : {}),
          ...(input.ContinuationToken !== undefined ? { ContinuationToken: input.ContinuationToken } : {}),
          MaxKeys: pageSize,
          Name: input.Bucket,
          Prefix: input.Prefix,
        };
      },
    },
  ];
  return { routes, objects };
}

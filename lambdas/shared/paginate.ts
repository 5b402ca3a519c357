import { awsCall } from './errors';

/**
 * Every page of an SDK paginator (`paginateListCommands`, `paginateDescribeInstances`...), each page's
 * request inside {@link awsCall}: its errors are classified as a single call's are (throttled,
 * transient, access denied...), so the ASL's Retry matches them whatever page failed.
 * @param operation `service:Operation`, as {@link awsCall} names it
 */
export async function* awsPages<Page>(
  operation: string,
  paginator: AsyncIterable<Page>,
): AsyncGenerator<Page, void, undefined> {
  const pages = paginator[Symbol.asyncIterator]();
  for (;;) {
    const page = await awsCall(operation, () => pages.next());
    if (page.done === true) return;
    yield page.value;
  }
}

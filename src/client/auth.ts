import * as grpc from '@grpc/grpc-js';

/**
 * Channel options that send `authorization: Bearer <token>` on every call and stream of the
 * channel (a client interceptor: it works on plaintext and TLS channels alike, where gRPC call
 * credentials need TLS). No token: no options.
 */
export function tokenChannelOptions(token: string | undefined): grpc.ChannelOptions {
  if (token === undefined) return {};
  const value = `Bearer ${token}`;
  const interceptor: grpc.Interceptor = (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        metadata.set('authorization', value);
        next(metadata, listener);
      },
    });
  return { interceptors: [interceptor] };
}

/** The problem with a token option, or null: it must be non-empty printable ASCII without spaces (a header value). */
export function tokenProblem(token: unknown): string | null {
  if (token === undefined) return null;
  if (typeof token !== 'string' || !/^[\x21-\x7e]+$/.test(token)) return 'token: must be a non-empty string of printable ASCII without spaces (as raftjobs token create prints it)';
  return null;
}

import type * as grpc from '@grpc/grpc-js';
import { MAX_GRPC_MESSAGE_BYTES } from '../limits/index.js';

/**
 * Channel options of every SDK connection: keepalive pings notice a dead peer (a leader killed
 * without closing its sockets, a partition) within about 15 s even on an idle worker stream, and a
 * short reconnect backoff lets a restarted node be used again quickly.
 */
export const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 2_000,
  'grpc.max_receive_message_length': MAX_GRPC_MESSAGE_BYTES,
  'grpc.max_send_message_length': MAX_GRPC_MESSAGE_BYTES,
};

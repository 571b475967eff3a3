// Original file: proto/admin.proto

import type { Member as _raftjobs_admin_v1_Member, Member__Output as _raftjobs_admin_v1_Member__Output } from '../../../raftjobs/admin/v1/Member.js';
import type { Long } from '@grpc/proto-loader';

export interface MembersResponse {
  'members'?: (_raftjobs_admin_v1_Member)[];
  /**
   * The leader this node knows of (empty: none).
   */
  'leaderId'?: (string);
  /**
   * This node's commit index, for telling whether a change it shows is committed.
   */
  'commitIndex'?: (number | string | Long);
}

export interface MembersResponse__Output {
  'members': (_raftjobs_admin_v1_Member__Output)[];
  /**
   * The leader this node knows of (empty: none).
   */
  'leaderId': (string);
  /**
   * This node's commit index, for telling whether a change it shows is committed.
   */
  'commitIndex': (number);
}

// Original file: proto/admin.proto

import type { WorkerInfo as _raftjobs_admin_v1_WorkerInfo, WorkerInfo__Output as _raftjobs_admin_v1_WorkerInfo__Output } from '../../../raftjobs/admin/v1/WorkerInfo.js';

export interface WorkersResponse {
  /**
   * False when this node is not the leader (it then serves no workers).
   */
  'leader'?: (boolean);
  'workers'?: (_raftjobs_admin_v1_WorkerInfo)[];
}

export interface WorkersResponse__Output {
  /**
   * False when this node is not the leader (it then serves no workers).
   */
  'leader': (boolean);
  'workers': (_raftjobs_admin_v1_WorkerInfo__Output)[];
}

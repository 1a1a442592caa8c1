import type { Database } from '../../db/Database';
import type { Repositories } from '../../EngineContext';
import type { PostLifecycle } from '../../publishing/postLifecycle';

/** What workflow steps may use of the engine, passed in explicitly. */
export interface WorkflowServices {
  db: Database;
  posts: PostLifecycle;
  repos: Repositories;
}

/** The task engine: durable tasks in PostgreSQL, their handlers and the runner. */
export { enqueueTasks, type NewTask } from "./sql/enqueue-task.js";
export { FINISHED_TASK_RETENTION_MS, purgeFinishedTasks } from "./sql/purge-tasks.js";
export { prismaSqlClient } from "./sql/sql-client.js";
export { defineTask, type TaskContext, type TaskHandler, type Tx } from "./task-handler.js";
export { TaskRunner } from "./task-runner.js";

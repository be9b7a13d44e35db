/**
 * Everything a process that takes tasks must register before its first task: every task kind
 * (app/tasks.ts) and every event-source kind a payload may describe (the spec's, registered by
 * app/spec-source.ts; the project's, by services/project-source.ts). A worker thread and a
 * `hepwb worker` import this once.
 */
import '../app/tasks'
import '../services/project-source'

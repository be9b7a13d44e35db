/**
 * The registry of task kinds (app/task.ts): importing this module defines every kind, so a
 * worker thread or a cluster worker that imports it can run any task the engine produces.
 */
import './signal-grid'
import './tune-trial'

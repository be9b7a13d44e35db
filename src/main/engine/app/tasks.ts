/**
 * Every task kind of the engine, registered by importing the modules that define them: a
 * worker (thread or `hepwb worker`) imports this before it takes tasks. A kind added to a use
 * case is added here.
 */
import './spec-source'
import './cutflow'
import './histogram'
import './pass'
import './statistics'
import './hist2d'
import './correlation'
import './training-set'
import './classifier-pass'
import './signal-grid'
import './rmm'
import { defineLazyTask } from './task'
// The cluster's end-to-end check (a worker thread of a `hepwb worker` runs it too).
import '../cluster/probe-task'

// A tuning trial trains a network: its code (TensorFlow.js) loads at the first trial a worker
// runs, not in every worker thread that only fills histograms. The kind is TRIAL_KIND.
defineLazyTask('tune.trial', () => import('./tune-trial'))

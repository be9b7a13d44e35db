/**
 * The workflow steps in the sidebar, in order. A view that is not built yet says in one
 * sentence what it will do (`planned`) instead of showing made-up content.
 */
import type { Component } from 'vue'

export interface ViewEntry {
  id: string
  title: string
  icon: string
  /** One sentence: what this step is for. */
  purpose: string
  component?: () => Promise<Component>
}

export const views: ViewEntry[] = [
  {
    id: 'data',
    title: 'Data',
    icon: '▤',
    purpose:
      'Import ROOT, CSV, HDF5 and Parquet samples, set their role, weights and normalisation, and look at every variable stacked by process, data over simulation.',
    component: () => import('./DataView.vue'),
  },
  {
    id: 'cuts',
    title: 'Cuts & Regions',
    icon: '✂',
    purpose:
      'Write cuts and derived variables, define control and signal regions, and read weighted cut-flows, yields and N−1 plots.',
    component: () => import('./CutsView.vue'),
  },
  {
    id: 'train',
    title: 'Train',
    icon: '◈',
    purpose:
      'Train Fisher discriminants, optimised rectangular cuts, neural networks and INFERNO, and judge them with ROC curves, overtraining checks and efficiencies.',
    component: () => import('./TrainView.vue'),
  },
  {
    id: 'fit',
    title: 'Fit',
    icon: '∿',
    purpose:
      'Fit binned profile likelihoods (pyhf-compatible HistFactory): best fit with HESSE and MINOS errors, scans, pulls, significance and CLs limits.',
    component: () => import('./FitView.vue'),
  },
  {
    id: 'anomaly',
    title: 'Anomaly',
    icon: '✱',
    purpose:
      'Train autoencoders and VAEs on background only, hunt anomalies in the reconstruction-error tail, and generate events with a VAE.',
    component: () => import('./AnomalyView.vue'),
  },
  {
    id: 'tune',
    title: 'Tune',
    icon: '⚙',
    purpose:
      'Tune hyperparameters by grid, random search, Hyperband or TPE, and compare the runs side by side.',
  },
  {
    id: 'plots',
    title: 'Plots',
    icon: '▦',
    purpose:
      'Collect saved charts of every step, restyle them (thesis, ATLAS, CMS, slides) and export vector PDF, SVG or PNG with LaTeX snippets.',
    component: () => import('./PlotsView.vue'),
  },
]

/** Pure rendering of a run: journal, metrics, subject, plain-text card and the HTML report. */
export * from './card';
export * from './chart';
export * from './escape';
export * from './format';
export * from './html';
export * from './journal';
export * from './links';
export * from './metrics';
export * from './subject';
export * from './text';
export * from './timeline';
export * from './trend';

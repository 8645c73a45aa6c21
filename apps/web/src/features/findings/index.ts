// The Findings tab: secrets, waste, the biggest files, and removing them through the draft.
export { FindingsPage } from './FindingsPage.js';

export { which, checkTools, assertTools, type ToolCheck } from './tools';

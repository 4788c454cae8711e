/**
 * What other modules use of agents: the loop and read-only tools Brain answers with (AI-5), the
 * proposals Home lists, and Closer's runs a conversation starts.
 */
export { runLoop } from './runtime/agent-loop';
export { defineTool, RecordBook, type AgentTool } from './runtime/tool';
export { describeToolError, findRecords, getRecord, pipelineSummary, searchRecordsTool } from './tools/record-tools';
export { searchTimeline } from './tools/timeline-tools';
export { listProposals } from './proposals/proposals';
export { executeRun, startRun } from './runs';

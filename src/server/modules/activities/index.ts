/** What other modules use of the timeline (CRM-4). */
export { logActivity, logActivities, replaceActivityBody, type LogActivityInput } from './create-activity';
export { activityKinds, type ActivityKind, type RecordLink } from './activities.contract';
export { dropActivityLinks } from './activity-rows';
export { listTasks } from './list-tasks';
export { listRecentActivity } from './list-recent-activity';
export { htmlToText, sanitiseRichText, SanitisedTemplate, type SanitisedBody } from './sanitise-html';

import 'server-only';

/**
 * AI features built on the gateway (lib/gateway): conversations, prompt templates, batches and
 * the metered product features. Every model call goes through the gateway's metered call.
 */

export { runAiFeature, featureInput, AI_FEATURES, type AiFeature } from './features';
export { chooseModel, expectedCredits } from '@/lib/gateway';
export {
  listTemplates,
  getTemplate,
  createTemplate,
  updateTemplate,
  deleteTemplate,
  renderTemplateById,
  placeholdersOf,
  createTemplateInput,
  updateTemplateInput,
  listTemplatesQuery,
  renderInput,
  type TemplateVariable,
} from './templates';
export {
  listConversations,
  getConversation,
  getConversationWithMessages,
  createConversation,
  updateConversation,
  deleteConversation,
  listMessages,
  appendMessage,
  deleteMessage,
  recordReply,
  noteChatSettings,
  titleFrom,
} from './conversations';
export {
  createConversationInput,
  updateConversationInput,
  listConversationsQuery,
  appendMessageInput,
  listMessagesQuery,
  type Conversation,
} from './conversation-schemas';
export * from './batch';
export { batchJobs } from './jobs';
export { scheduleBatch } from './batch-schedule';

import 'server-only';

/**
 * AI features built on the gateway (lib/gateway): conversations, prompt templates, batches and
 * the metered product features. Every model call goes through the gateway's metered call.
 */

export {
  meteredAction,
  runAiFeature,
  featureInput,
  AI_FEATURES,
  type AiFeature,
  type FeatureInput,
  type MeteredActionInput,
  type MeteredActionResult,
} from './features';
export { chooseModel, expectedCredits, type ModelNeeds, type ChoosableModel } from './choose-model';
export {
  listTemplates,
  getTemplate,
  createTemplate,
  updateTemplate,
  deleteTemplate,
  renderTemplateById,
  renderTemplate,
  placeholdersOf,
  createTemplateInput,
  updateTemplateInput,
  listTemplatesQuery,
  renderInput,
  TEMPLATE_VISIBILITIES,
  type PromptTemplate,
  type TemplateVariable,
  type TemplateVisibility,
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
  type ConversationMessage,
} from './conversation-schemas';
export * from './batch';
export { batchJobs } from './jobs';
export { scheduleBatch } from './batch-schedule';

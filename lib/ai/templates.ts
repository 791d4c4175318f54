import 'server-only';
import { one, AppError, errors, parseInput } from '@/lib/core';
import { z } from 'zod';
import { withUser, type DbSession } from '@/lib/db';
import { redactPii } from '@/lib/gateway';
import {
  placeholdersOf,
  renderTemplate,
  templateVariable,
  type TemplateVariable,
} from './template-render';

/**
 * Prompt templates: a body with {{variable}} placeholders and the variables it declares, private
 * to the owner or public (readable by every signed-in user, editable by the owner only). Texts
 * are redacted before they are stored.
 */

export { renderTemplate, placeholdersOf, type TemplateVariable } from './template-render';

const TEMPLATE_VISIBILITIES = ['private', 'public'] as const;
type TemplateVisibility = (typeof TEMPLATE_VISIBILITIES)[number];

const templateFields = {
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(500).nullish(),
  body: z.string().min(1).max(20_000),
  variables: z.array(templateVariable).max(20),
  visibility: z.enum(TEMPLATE_VISIBILITIES),
  model: z.string().trim().min(1).max(64).nullish(),
};

function declaredOnce(variables: TemplateVariable[] | undefined): boolean {
  const names = (variables ?? []).map((variable) => variable.name);
  return new Set(names).size === names.length;
}

export const createTemplateInput = z
  .object({
    ...templateFields,
    variables: templateFields.variables.default([]),
    visibility: templateFields.visibility.default('private'),
  })
  .strict()
  .refine((input) => declaredOnce(input.variables), {
    message: 'Declare each variable once.',
    path: ['variables'],
  });
type CreateTemplateInput = z.input<typeof createTemplateInput>;

export const updateTemplateInput = z
  .object({
    name: templateFields.name.optional(),
    description: templateFields.description,
    body: templateFields.body.optional(),
    variables: templateFields.variables.optional(),
    visibility: templateFields.visibility.optional(),
    model: templateFields.model,
  })
  .strict()
  .refine((input) => Object.keys(input).length > 0, { message: 'Change at least one field.' })
  .refine((input) => declaredOnce(input.variables), {
    message: 'Declare each variable once.',
    path: ['variables'],
  });
type UpdateTemplateInput = z.input<typeof updateTemplateInput>;

export const listTemplatesQuery = z.object({
  visibility: z.enum([...TEMPLATE_VISIBILITIES, 'all']).default('all'),
});

export const renderInput = z
  .object({ values: z.record(z.string().max(100), z.string().max(100_000)).default({}) })
  .strict();

interface PromptTemplate {
  id: string;
  name: string;
  description: string | null;
  body: string;
  variables: TemplateVariable[];
  visibility: TemplateVisibility;
  model: string | null;
  /** The caller owns it (and may edit it). */
  mine: boolean;
  createdAt: Date;
  updatedAt: Date;
}

interface TemplateRow {
  id: string;
  user_id: string;
  name: string;
  description: string | null;
  body: string;
  variables: TemplateVariable[];
  visibility: TemplateVisibility;
  model: string | null;
  created_at: Date;
  updated_at: Date;
}

const toTemplate = (row: TemplateRow, userId: string): PromptTemplate => ({
  id: row.id,
  name: row.name,
  description: row.description,
  body: row.body,
  variables: row.variables,
  visibility: row.visibility,
  model: row.model,
  mine: row.user_id === userId,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Every placeholder must be declared, so a render can check what it fills. */
function assertPlaceholdersDeclared(body: string, variables: TemplateVariable[]): void {
  const declared = new Set(variables.map((variable) => variable.name));
  const undeclared = placeholdersOf(body).filter((name) => !declared.has(name));
  if (undeclared.length > 0) {
    throw new AppError(
      'validation_failed',
      `Declare the variables the body uses: ${undeclared.join(', ')}.`,
      { undeclared },
    );
  }
}

function redactVariables(variables: TemplateVariable[]): TemplateVariable[] {
  return variables.map((variable) => ({
    ...variable,
    ...(variable.description !== undefined && { description: redactPii(variable.description) }),
    ...(variable.default !== undefined && { default: redactPii(variable.default) }),
  }));
}

const UUID = z.uuid();
function notFound(): AppError {
  return errors.notFound('The template');
}

export async function listTemplates(
  session: DbSession,
  query: z.input<typeof listTemplatesQuery> = {},
): Promise<PromptTemplate[]> {
  const { visibility } = parseInput(listTemplatesQuery, query);
  const rows = await withUser(
    session,
    (tx) => tx<TemplateRow[]>`
      select * from public.prompt_templates
      where (${visibility} = 'all' or visibility = ${visibility})
        and (user_id = ${session.userId} or visibility = 'public')
      order by (user_id = ${session.userId}) desc, updated_at desc, id
      limit 500`,
  );
  return rows.map((row) => toTemplate(row, session.userId));
}

export async function getTemplate(session: DbSession, id: string): Promise<PromptTemplate> {
  if (!UUID.safeParse(id).success) throw notFound();
  const [row] = await withUser(
    session,
    (tx) => tx<TemplateRow[]>`select * from public.prompt_templates where id = ${id}`,
  );
  if (!row) throw notFound();
  return toTemplate(row, session.userId);
}

export async function createTemplate(
  session: DbSession,
  input: CreateTemplateInput,
): Promise<PromptTemplate> {
  const args = parseInput(createTemplateInput, input);
  assertPlaceholdersDeclared(args.body, args.variables);
  const row = one(
    await withUser(
      session,
      (tx) => tx<TemplateRow[]>`
      insert into public.prompt_templates (name, description, body, variables, visibility, model)
      values (${redactPii(args.name)}, ${args.description ? redactPii(args.description) : null},
              ${redactPii(args.body)}, ${tx.json(redactVariables(args.variables) as never)},
              ${args.visibility}, ${args.model ?? null})
      returning *`,
    ).catch(nameTaken),
    'result of prompt_templates',
  );
  return toTemplate(row, session.userId);
}

export async function updateTemplate(
  session: DbSession,
  id: string,
  input: UpdateTemplateInput,
): Promise<PromptTemplate> {
  const args = parseInput(updateTemplateInput, input);
  const current = await getTemplate(session, id);
  if (!current.mine) throw notFound();
  const body = args.body ?? current.body;
  const variables = args.variables ?? current.variables;
  assertPlaceholdersDeclared(body, variables);
  const description = args.description === undefined ? current.description : args.description;
  const model = args.model === undefined ? current.model : args.model;
  const [row] = await withUser(
    session,
    (tx) => tx<TemplateRow[]>`
      update public.prompt_templates set
        name = ${redactPii(args.name ?? current.name)},
        description = ${description ? redactPii(description) : null},
        body = ${redactPii(body)},
        variables = ${tx.json(redactVariables(variables) as never)},
        visibility = ${args.visibility ?? current.visibility},
        model = ${model ?? null}
      where id = ${id} and user_id = ${session.userId}
      returning *`,
  ).catch(nameTaken);
  if (!row) throw notFound();
  return toTemplate(row, session.userId);
}

export async function deleteTemplate(session: DbSession, id: string): Promise<void> {
  if (!UUID.safeParse(id).success) throw notFound();
  const deleted = await withUser(
    session,
    (tx) =>
      tx`delete from public.prompt_templates where id = ${id} and user_id = ${session.userId} returning id`,
  );
  if (deleted.length === 0) throw notFound();
}

/** Fills a template the caller can read; the text is what goes to the model. */
export async function renderTemplateById(
  session: DbSession,
  id: string,
  input: z.input<typeof renderInput>,
): Promise<{ text: string; templateId: string }> {
  const { values } = parseInput(renderInput, input);
  const template = await getTemplate(session, id);
  return { text: renderTemplate(template, values), templateId: template.id };
}

function nameTaken(error: unknown): never {
  if ((error as { code?: string }).code === '23505') {
    throw new AppError('conflict', 'You already have a template with this name.');
  }
  throw error;
}

import { z } from 'zod';
import { Badge } from '@/components/ui/badge';
import type { V1Endpoint } from '@/lib/api';
import { Code, CodeBlock } from './code-block';

/**
 * One `/api/v1` endpoint, rendered from the same registry entry the OpenAPI document is made of:
 * method and path, who may call it, its fields (from the route's zod schema) and an example.
 */

interface Field {
  name: string;
  type: string;
  required: boolean;
  description?: string;
}

function typeOf(schema: Record<string, unknown>): string {
  if (Array.isArray(schema.enum))
    return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const variants = (schema.anyOf ?? schema.oneOf) as Record<string, unknown>[] | undefined;
  if (variants) {
    return [...new Set(variants.map(typeOf))].filter((type) => type !== 'null').join(' | ');
  }
  if (schema.type === 'array') {
    const items = schema.items as Record<string, unknown> | undefined;
    return `${items ? typeOf(items) : 'any'}[]`;
  }
  return typeof schema.type === 'string' ? schema.type : 'object';
}

function fieldsOf(schema: z.ZodType | undefined): Field[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    type: typeOf(property),
    required: json.required?.includes(name) ?? false,
    description: typeof property.description === 'string' ? property.description : undefined,
  }));
}

function curlFor(endpoint: V1Endpoint, baseUrl: string): string {
  const url = `${baseUrl}/api/v1${endpoint.path}${endpoint.example.query ?? ''}`;
  const auth =
    endpoint.auth === 'api_key'
      ? ' \\\n  -H "Authorization: Bearer $TOLLGATE_API_KEY"'
      : endpoint.auth === 'session'
        ? ' \\\n  -H "Authorization: Bearer $SESSION_TOKEN"'
        : '';
  if (endpoint.method === 'GET') return `curl ${url}${auth}`;
  return `curl ${url}${auth} \\\n  -H "Content-Type: application/json" \\\n  -d '${JSON.stringify(endpoint.example.request, null, 2)}'`;
}

/** Registry prose marks code with backticks: render those spans as code. */
function Prose({ text }: { text: string }) {
  return text
    .split('`')
    .map((part, index) => (index % 2 === 1 ? <Code key={index}>{part}</Code> : part));
}

export function EndpointReference({
  endpoint,
  baseUrl,
}: {
  endpoint: V1Endpoint;
  baseUrl: string;
}) {
  const fields = [...fieldsOf(endpoint.query), ...fieldsOf(endpoint.body)];
  const id = `${endpoint.method}-${endpoint.path}`.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return (
    <section id={id} aria-labelledby={`${id}-title`} className="scroll-mt-20 border-t pt-8">
      <h3 id={`${id}-title`} className="flex flex-wrap items-center gap-2 text-lg font-semibold">
        <Badge variant={endpoint.method === 'GET' ? 'secondary' : 'default'}>
          {endpoint.method}
        </Badge>
        <code className="text-base break-all">/api/v1{endpoint.path}</code>
      </h3>
      <p className="mt-1 font-medium">{endpoint.summary}</p>
      <p className="text-muted-foreground mt-2 text-sm">
        <Prose text={endpoint.description} />
      </p>
      <p className="mt-2 text-sm">
        {endpoint.auth === 'api_key' ? (
          <>
            API key with{' '}
            {endpoint.scopes!.map((scope, index) => (
              <span key={scope}>
                {index > 0 ? ' or ' : ''}
                <Code>{scope}</Code>
              </span>
            ))}
          </>
        ) : endpoint.auth === 'session' ? (
          'A signed-in session (not an API key).'
        ) : (
          'No authentication.'
        )}
      </p>
      {fields.length > 0 ? (
        <div className="mt-4 max-w-full overflow-x-auto max-sm:overflow-x-visible">
          {/* table-stack: on a phone each field is a block of labelled lines (globals.css). */}
          <table className="table-stack w-full text-left text-sm">
            <caption className="sr-only">Fields of {endpoint.path}</caption>
            <thead>
              <tr className="border-b">
                <th scope="col" className="py-1 pr-4 font-medium">
                  Field
                </th>
                <th scope="col" className="py-1 pr-4 font-medium">
                  Type
                </th>
                <th scope="col" className="py-1 font-medium">
                  Notes
                </th>
              </tr>
            </thead>
            <tbody>
              {fields.map((field) => (
                <tr key={field.name} className="border-b align-top last:border-0">
                  <td className="py-1 pr-4">
                    <Code>{field.name}</Code>
                  </td>
                  <td data-label="Type" className="text-muted-foreground py-1 pr-4 break-words">
                    {field.type}
                  </td>
                  <td data-label="Notes" className="text-muted-foreground py-1">
                    {field.required ? 'required. ' : ''}
                    <Prose text={field.description ?? ''} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <div className="mt-4 grid gap-4 lg:grid-cols-2">
        <CodeBlock label="Request" code={curlFor(endpoint, baseUrl)} />
        <CodeBlock label="Response" code={JSON.stringify(endpoint.example.response, null, 2)} />
      </div>
    </section>
  );
}

// problem+json answers (docs/errors.md) turned into what a form and a message can show.

/** One field error: the path of the field and the message in the person's language. */
export interface FieldProblem {
  name: (string | number)[];
  message: string;
}

/** A problem as the API sends it. */
export interface Problem {
  code?: string;
  title?: string;
  detail?: string;
  status?: number;
  errors?: { field: string; code: string; message: string }[];
}

/** Reads a field name, dotted (`authors[0].full_name`) or a JSON pointer (`/authors/0`). */
export function fieldPath(field: string): (string | number)[] {
  const parts = field.startsWith('/')
    ? field.slice(1).split('/')
    : field.replace(/\[(\d+)\]/g, '.$1').split('.');
  return parts.filter((p) => p !== '').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** The field errors of a problem, for `form.setFields`. */
export function fieldProblems(problem: Problem | undefined, prefix: string[] = []): FieldProblem[] {
  return (problem?.errors ?? []).map((e) => ({
    name: [...prefix, ...fieldPath(e.field)],
    message: e.message,
  }));
}

/** One line for a message: the title and, when different, the detail. */
export function problemText(problem: Problem | undefined, fallback: string): string {
  if (!problem) return fallback;
  const parts = [problem.title, problem.detail].filter(
    (p, i, all): p is string => !!p && all.indexOf(p) === i,
  );
  return parts.length ? parts.join(': ') : fallback;
}

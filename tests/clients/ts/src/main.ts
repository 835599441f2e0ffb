// The main path as a front-end developer writes it from the generated types alone:
// sign-in → plan → draft → upload → submit → confirm → register → sheet → sign (and the
// downloads). `tsc --noEmit` checks it (tests/clients.sh): a wrong body, a missing header
// argument (`If-Match` on the sign), a file typed as numbers, or an operation that declares
// no error fails the check.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

type Problem = components["schemas"]["Problem"];

/** Fails to compile when an operation declares no error answer (its `error` is `never`). */
function declaresErrors<E>(error: E, ..._none: [Exclude<E, undefined>] extends [never] ? [never] : []): void {
  if (error !== undefined) throw new Error(JSON.stringify(error));
}

/** Problems carry a code a client can branch on. */
function code(p: Problem): string {
  return p.code;
}

export async function mainPath(base: string, password: (user: string) => string, form: components["schemas"]["Form"], pdf: Blob): Promise<void> {
  const anon = createClient<paths>({ baseUrl: base });
  async function signIn(login: string) {
    const { data, error } = await anon.POST("/api/v1/auth/login", { body: { login, password: password(login) } });
    declaresErrors(error);
    if (error) throw new Error(code(error));
    return createClient<paths>({ baseUrl: base, headers: { authorization: `Bearer ${data.access_token}`, "accept-language": "en" } });
  }
  const author = await signIn("gv.hoa");
  const head = await signIn("hieu.truong");
  const office = await signIn("phong.gd");
  const signer = await signIn("pho.chu.tich");
  const secretariat = await signIn("thuong.truc");

  // plan
  const plans = await author.GET("/api/v1/intake/plans", {});
  declaresErrors(plans.error);
  const plan: string = plans.data!.items[0].id;

  // draft
  const draft = await author.POST("/api/v1/intake/dossiers", {
    params: { header: { "Idempotency-Key": crypto.randomUUID() } },
    body: { plan_id: plan, field: "education", form },
  });
  declaresErrors(draft.error);
  const id: string = draft.data!.id;

  // upload: the body is a file, the answer names it
  const up = await author.POST("/api/v1/intake/dossiers/{id}/attachments", {
    params: { path: { id }, query: { name: "mo-ta.pdf" } },
    body: pdf,
    bodySerializer: (b: Blob) => b,
    headers: { "content-type": "application/pdf" },
  });
  declaresErrors(up.error);
  const attachment: string = up.data!.id;
  const down = await author.GET("/api/v1/intake/dossiers/{id}/attachments/{attachment}", {
    params: { path: { id, attachment } },
    parseAs: "blob",
  });
  declaresErrors(down.error);
  const file: Blob = down.data!;
  if (file.size !== pdf.size) throw new Error("not the same file");

  // submit → confirm → register
  const submitted = await author.POST("/api/v1/intake/dossiers/{id}/submit", { params: { path: { id }, header: {} }, body: {} });
  declaresErrors(submitted.error);
  declaresErrors((await head.POST("/api/v1/intake/dossiers/{id}/confirm", { params: { path: { id } } })).error);
  const registered = await office.POST("/api/v1/intake/dossiers/{id}/register", { params: { path: { id } } });
  declaresErrors(registered.error);

  // sheet (the case opens after `dossier.received`: poll it)
  const sheet = await author.PUT("/api/v1/appraisal/cases/{id}/sheet", {
    params: { path: { id } },
    body: {
      submit: true,
      scores: [
        { item: "introduction", points: 1.75 },
        { item: "main_content", points: 12.5 },
      ],
    },
  });
  declaresErrors(sheet.error);

  // sign: the ETag of the draft is the If-Match of the sign
  const decision = await secretariat.POST("/api/v1/decision/decisions", {
    params: { header: {} },
    body: { plan_id: plan, field: "education", proposal: "Tờ trình số 12/TTr-HĐSK" },
  });
  declaresErrors(decision.error);
  const tag = decision.response.headers.get("etag") ?? "";
  const signed = await signer.POST("/api/v1/decision/decisions/{id}/sign", {
    params: { path: { id: decision.data!.id }, header: { "If-Match": tag } },
  });
  declaresErrors(signed.error);
  const document = await signer.GET("/api/v1/decision/decisions/{id}/document", {
    params: { path: { id: signed.data!.id } },
    parseAs: "blob",
  });
  declaresErrors(document.error);
  const docx: Blob = document.data!;
  if (docx.size === 0) throw new Error("empty decision");
}

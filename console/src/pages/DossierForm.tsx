// The author's request form: every field of the form, co-authors whose shares are checked
// to total 100 as they are typed, attachments with an upload progress bar, save and submit.
// Problems from the API are put next to the field they name.
import { useCallback, useEffect, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Form,
  Input,
  InputNumber,
  List,
  Progress,
  Select,
  Space,
  Tag,
  Typography,
  Upload,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useNavigate, useParams } from 'react-router-dom';
import { api } from '../api/client';
import { DossierExtras } from './DossierExtras';
import { fieldProblems, problemText, type Problem } from '../api/problem';
import type { components } from '../api/schema';
import { session } from '../session/store';
import { currentLang, fill, texts } from '../i18n';

type Dossier = components['schemas']['DossierView'];
type Plan = components['schemas']['PlanView'];
type Form = components['schemas']['Form'];
type Kind = components['schemas']['InitiativeKind'];
type Author = components['schemas']['Author'];

interface AuthorValues extends Omit<Author, 'date_of_birth'> {
  date_of_birth?: Dayjs | null;
}
interface Values extends Omit<Form, 'first_applied_on' | 'authors'> {
  plan_id?: string;
  field?: string;
  first_applied_on?: Dayjs | null;
  authors?: AuthorValues[];
}

const KINDS: Kind[] = ['technical', 'management', 'operational', 'technical_progress'];
const date = (d?: Dayjs | null) => (d ? d.format('YYYY-MM-DD') : null);

function toForm(v: Values): Form {
  return {
    name: v.name ?? '',
    kind: v.kind ?? null,
    application_area: v.application_area ?? '',
    first_applied_on: date(v.first_applied_on),
    essence: v.essence ?? '',
    conditions: v.conditions ?? '',
    applied_where: v.applied_where ?? '',
    benefits_by_author: v.benefits_by_author ?? '',
    benefits_by_participants: v.benefits_by_participants ?? '',
    investor: v.investor || null,
    confidential_info: v.confidential_info || null,
    declaration: !!v.declaration,
    participants: [],
    authors: (v.authors ?? []).map((a) => ({
      full_name: a.full_name ?? '',
      workplace: a.workplace ?? '',
      title: a.title ?? '',
      qualification: a.qualification ?? '',
      contribution_percent: Number(a.contribution_percent ?? 0),
      date_of_birth: date(a.date_of_birth),
    })),
  };
}

function toValues(d: Dossier): Values {
  return {
    ...d.form,
    plan_id: d.plan_id,
    field: d.field,
    first_applied_on: d.form.first_applied_on ? dayjs(d.form.first_applied_on) : null,
    authors: (d.form.authors ?? []).map((a) => ({
      ...a,
      date_of_birth: a.date_of_birth ? dayjs(a.date_of_birth) : null,
    })),
  };
}

/** Uploads one file with progress (fetch has no upload progress), through the same API. */
function uploadFile(id: string, file: File, onProgress: (pct: number) => void) {
  return new Promise<Problem | undefined>((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open(
      'POST',
      `/api/v1/intake/dossiers/${id}/attachments?name=${encodeURIComponent(file.name)}`,
    );
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('Accept-Language', currentLang());
    xhr.setRequestHeader('Authorization', `Bearer ${session.accessToken() ?? ''}`);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress((100 * e.loaded) / e.total);
    xhr.onload = () => {
      if (xhr.status < 300) resolve(undefined);
      else {
        try {
          resolve(JSON.parse(xhr.responseText) as Problem);
        } catch {
          resolve({ title: xhr.statusText });
        }
      }
    };
    xhr.onerror = () => resolve({ title: 'network' });
    xhr.send(file);
  });
}

/** The request form of one dossier (new, or a draft / returned one). */
export function DossierForm() {
  const t = texts();
  const { id } = useParams();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [plans, setPlans] = useState<Plan[]>([]);
  const [dossier, setDossier] = useState<Dossier | undefined>();
  const [etag, setEtag] = useState<string | undefined>();
  const [progress, setProgress] = useState<number | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const authors = Form.useWatch('authors', form) as AuthorValues[] | undefined;
  const planId = Form.useWatch('plan_id', form) as string | undefined;
  const total =
    Math.round(
      (authors ?? []).reduce((s, a) => s + Number(a?.contribution_percent ?? 0), 0) * 100,
    ) / 100;

  const load = useCallback(async () => {
    if (!id) return;
    const { data, response } = await api.GET('/api/v1/intake/dossiers/{id}', {
      params: { path: { id } },
    });
    if (data) {
      setDossier(data);
      setEtag(response.headers.get('ETag') ?? undefined);
      form.setFieldsValue(toValues(data));
    }
  }, [id, form]);

  useEffect(() => {
    void api
      .GET('/api/v1/intake/plans', { params: { query: { status: 'published' } } })
      .then(({ data }) => setPlans(data?.items ?? []));
    void load();
  }, [load]);

  const showProblem = (p: Problem) => {
    const fields = fieldProblems(p);
    form.setFields(
      fields.map((f) => ({ name: f.name, errors: [f.message] })) as Parameters<
        typeof form.setFields
      >[0],
    );
    setProblem(problemText(p, t.error));
    void message.error(problemText(p, t.error));
  };

  const save = async (): Promise<string | undefined> => {
    setProblem(undefined);
    const v = form.getFieldsValue(true) as Values;
    if (!id) {
      const { data, error } = await api.POST('/api/v1/intake/dossiers', {
        body: { plan_id: v.plan_id ?? '', field: v.field ?? '', form: toForm(v) },
      });
      if (error) {
        showProblem(error as Problem);
        return undefined;
      }
      void message.success(t.saved);
      navigate(`/dossiers/${data.id}`, { replace: true });
      return data.id;
    }
    const { data, error, response } = await api.PUT('/api/v1/intake/dossiers/{id}', {
      params: { path: { id }, header: { 'If-Match': etag ?? '*' } },
      body: toForm(v),
    });
    if (error) {
      showProblem(error as Problem);
      if (response.status === 412) void load();
      return undefined;
    }
    setDossier(data);
    setEtag(response.headers.get('ETag') ?? undefined);
    void message.success(t.saved);
    return id;
  };

  const submit = async () => {
    const saved = await save();
    if (!saved) return;
    const { data, error } = await api.POST('/api/v1/intake/dossiers/{id}/submit', {
      params: { path: { id: saved } },
      body: {},
    });
    if (error) showProblem(error as Problem);
    else {
      setDossier(data);
      void message.success(t.submitted);
    }
  };

  const upload = async (file: File) => {
    if (!id) return;
    setProgress(0);
    const p = await uploadFile(id, file, setProgress);
    setProgress(undefined);
    if (p) showProblem(p);
    else {
      void message.success(t.uploaded);
      void load();
    }
  };

  const plan = plans.find((p) => p.id === planId);
  const editable =
    !dossier || ['draft', 'returned', 'correction_requested'].includes(dossier.status);

  return (
    <>
      <Card
        title={dossier ? `${dossier.form.name || t.newDossier}` : t.newDossier}
        extra={dossier && <Tag color="blue">{dossier.status_label}</Tag>}
        style={{ maxWidth: 960 }}
      >
        {problem && <Alert type="error" showIcon message={problem} style={{ marginBottom: 16 }} />}
        {dossier?.last_reason && (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 16 }}
            message={`${t.lastReason}: ${dossier.last_reason}`}
            description={
              dossier.correction_due_on &&
              `${t.correctionDue}: ${dayjs(dossier.correction_due_on).format('DD/MM/YYYY')}`
            }
          />
        )}
        <Form<Values>
          form={form}
          layout="vertical"
          disabled={!editable}
          initialValues={{ authors: [{ contribution_percent: 100 }], declaration: false }}
        >
          <Space wrap style={{ width: '100%' }}>
            <Form.Item name="plan_id" label={t.plan} rules={[{ required: true }]}>
              <Select
                style={{ width: 320 }}
                disabled={!!id}
                options={plans.map((p) => ({ value: p.id, label: `${p.symbol} — ${p.title}` }))}
              />
            </Form.Item>
            <Form.Item name="field" label={t.field} rules={[{ required: true }]}>
              <Select
                style={{ width: 260 }}
                disabled={!!id}
                options={(plan?.fields ?? []).map((f) => ({ value: f.code, label: f.name }))}
              />
            </Form.Item>
          </Space>
          <Form.Item name="name" label={t.name} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Space wrap>
            <Form.Item name="kind" label={t.kind}>
              <Select
                style={{ width: 280 }}
                options={KINDS.map((k) => ({ value: k, label: t.kinds[k] }))}
              />
            </Form.Item>
            <Form.Item name="first_applied_on" label={t.firstAppliedOn}>
              <DatePicker format="DD/MM/YYYY" />
            </Form.Item>
          </Space>
          <Form.Item name="application_area" label={t.applicationArea}>
            <Input />
          </Form.Item>
          <Form.Item name="essence" label={t.essence}>
            <Input.TextArea rows={4} />
          </Form.Item>
          <Form.Item name="conditions" label={t.conditions}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <Form.Item name="applied_where" label={t.appliedWhere}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <Form.Item name="benefits_by_author" label={t.benefitsByAuthor}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <Form.Item name="benefits_by_participants" label={t.benefitsByParticipants}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <Form.Item name="investor" label={t.investor}>
            <Input />
          </Form.Item>
          <Form.Item name="confidential_info" label={t.confidential}>
            <Input.TextArea rows={2} />
          </Form.Item>

          <Typography.Title level={5}>{t.authors}</Typography.Title>
          <Form.List name="authors">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} wrap align="start">
                    <Form.Item
                      name={[f.name, 'full_name']}
                      label={t.fullName}
                      rules={[{ required: true }]}
                    >
                      <Input />
                    </Form.Item>
                    <Form.Item name={[f.name, 'date_of_birth']} label={t.dateOfBirth}>
                      <DatePicker format="DD/MM/YYYY" />
                    </Form.Item>
                    <Form.Item name={[f.name, 'workplace']} label={t.workplace}>
                      <Input />
                    </Form.Item>
                    <Form.Item name={[f.name, 'title']} label={t.title}>
                      <Input />
                    </Form.Item>
                    <Form.Item name={[f.name, 'qualification']} label={t.qualification}>
                      <Input />
                    </Form.Item>
                    <Form.Item name={[f.name, 'contribution_percent']} label={t.share}>
                      <InputNumber min={0} max={100} step={0.01} />
                    </Form.Item>
                    {fields.length > 1 && (
                      <Button onClick={() => remove(f.name)} style={{ marginTop: 30 }}>
                        ×
                      </Button>
                    )}
                  </Space>
                ))}
                <Form.Item
                  name="authors"
                  help={fill(t.sharesTotal, { n: total })}
                  validateStatus={total === 100 ? 'success' : 'error'}
                >
                  <Button onClick={() => add({ contribution_percent: 0 })}>{t.addAuthor}</Button>
                </Form.Item>
              </>
            )}
          </Form.List>
          <Form.Item name="declaration" valuePropName="checked">
            <Checkbox>{t.declaration}</Checkbox>
          </Form.Item>
        </Form>

        <Typography.Title level={5}>{t.attachments}</Typography.Title>
        <Form.Item name="attachments" validateStatus={undefined}>
          <List
            size="small"
            dataSource={dossier?.attachments ?? []}
            renderItem={(a) => (
              <List.Item>
                {a.name} ({Math.ceil(a.size / 1024)} KB, {a.content_type})
              </List.Item>
            )}
          />
        </Form.Item>
        {id ? (
          <Upload
            showUploadList={false}
            disabled={!editable}
            beforeUpload={(file) => {
              void upload(file);
              return false;
            }}
          >
            <Button disabled={!editable}>{t.upload}</Button>{' '}
            <Typography.Text type="secondary">{t.uploadHint}</Typography.Text>
          </Upload>
        ) : (
          <Typography.Text type="secondary">{t.saveFirst}</Typography.Text>
        )}
        {progress !== undefined && <Progress percent={Math.round(progress)} />}

        <Space style={{ marginTop: 24 }}>
          <Button onClick={() => navigate('/dossiers')}>{t.back}</Button>
          <Button onClick={() => void save()} disabled={!editable}>
            {t.save}
          </Button>
          {id && (
            <Button type="primary" onClick={() => void submit()} disabled={!editable}>
              {t.submit}
            </Button>
          )}
        </Space>
      </Card>
      {id && dossier && <DossierExtras dossier={dossier} />}
    </>
  );
}

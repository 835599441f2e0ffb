// One appraisal case: the dossier and its attachments beside the score sheet of the stage's
// rubric (total and grade computed as scores are typed, the rubric's rules shown), save,
// submit, revise; the others' sheets once mine is in; the organisers see all the sheets.
import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  Input,
  InputNumber,
  List,
  Row,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useParams } from 'react-router-dom';
import { api } from '../api/client';
import { fieldProblems, type Problem } from '../api/problem';
import type { components } from '../api/schema';
import { failure, fmtDate, fmtPoints, L, saveBlob } from '../util';
import { panelKind } from './Appraisal';

type Case = components['schemas']['CaseView'];
type Rubric = components['schemas']['Rubric'];
type Sheet = components['schemas']['SheetView'];
type Dossier = components['schemas']['DossierView'];

/** Every item a sheet scores: a criterion, or `criterion.sub` for its sub-items. */
function items(r: Rubric) {
  return r.criteria.flatMap((c) =>
    c.sub_items?.length
      ? c.sub_items.map((s) => ({
          code: `${c.code}.${s.code}`,
          name: `${c.name} — ${s.name}`,
          max: s.max,
          criterion: c,
        }))
      : [{ code: c.code, name: c.name, max: c.max, criterion: c }],
  );
}

/** The outcome of scores under a rubric, as the service computes it (rubric.rs `outcome`). */
export function outcome(r: Rubric, scores: Record<string, number | null | undefined>) {
  const per = (code: string) =>
    Object.entries(scores)
      .filter(([k]) => k === code || k.startsWith(`${code}.`))
      .reduce((s, [, v]) => s + (v ?? 0), 0);
  const centi = (v: number) => Math.round(v * 100);
  const total = r.criteria.reduce((s, c) => s + centi(per(c.code)), 0);
  const minima = r.criteria.every(
    (c) => c.min_to_pass == null || centi(per(c.code)) >= centi(c.min_to_pass),
  );
  const passed = minima && total >= centi(r.pass_total);
  const grade = passed
    ? (r.grades ?? []).find(
        (g) =>
          total >= centi(g.min_total) &&
          (g.criterion_minima ?? []).every((m) => centi(per(m.criterion)) >= centi(m.min)),
      )?.label
    : undefined;
  return { total: total / 100, passed, grade };
}

/** The case screen; `me` is the signed-in person's id, `scorer` whether they may score. */
export function CaseSheet({ me, scorer }: { me: string; scorer: boolean }) {
  const { id = '' } = useParams();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [kase, setCase] = useState<Case | undefined>();
  const [caseError, setCaseError] = useState<string | undefined>();
  const [rubric, setRubric] = useState<Rubric | undefined>();
  const [dossier, setDossier] = useState<Dossier | undefined>();
  const [dossierError, setDossierError] = useState<string | undefined>();
  const [sheets, setSheets] = useState<Sheet[]>([]);
  const [scores, setScores] = useState<Record<string, number | null>>({});

  const loadSheets = useCallback(async () => {
    const { data } = await api.GET('/api/v1/appraisal/cases/{id}/sheets', {
      params: { path: { id } },
    });
    setSheets(data ?? []);
    return data ?? [];
  }, [id]);

  useEffect(() => {
    void (async () => {
      const { data, error, response } = await api.GET('/api/v1/appraisal/cases/{id}', {
        params: { path: { id } },
      });
      if (!data) {
        setCaseError(failure(error, response.status));
        return;
      }
      setCase(data);
      const code = data.stages[data.stage]?.rubric;
      if (code) {
        const r = await api.GET('/api/v1/appraisal/rubrics/{code}', { params: { path: { code } } });
        setRubric(r.data?.rubric);
      }
      const d = await api.GET('/api/v1/intake/dossiers/{id}', { params: { path: { id } } });
      if (d.data) setDossier(d.data);
      else setDossierError(failure(d.error, d.response.status));
      const all = await loadSheets();
      const mine = all.find((s) => s.reviewer === me && s.stage === data.stages[data.stage]?.kind);
      if (mine) {
        const initial = Object.fromEntries(mine.scores.map((s) => [s.item, s.points]));
        setScores(initial);
        form.setFieldsValue({ scores: initial, comment: mine.comment ?? '' });
      }
    })();
  }, [id, me, form, loadSheets]);

  const live = useMemo(() => (rubric ? outcome(rubric, scores) : undefined), [rubric, scores]);
  const stage = kase?.stages[kase.stage];
  const mine = sheets.find((s) => s.reviewer === me && s.stage === stage?.kind);

  const save = async (submit: boolean) => {
    if (!rubric) return;
    const values = form.getFieldsValue() as {
      scores?: Record<string, number | null>;
      comment?: string;
    };
    const given = items(rubric)
      .map((it) => ({ item: it.code, points: values.scores?.[it.code] }))
      .filter((s): s is { item: string; points: number } => typeof s.points === 'number');
    const { data, error, response } = await api.PUT('/api/v1/appraisal/cases/{id}/sheet', {
      params: { path: { id } },
      body: { scores: given, comment: values.comment || null, submit },
    });
    if (data) {
      void message.success(
        submit
          ? `${L('Đã nộp phiếu', 'Sheet submitted')}: ${fmtPoints(data.total)} ${data.grade ? `(${data.grade})` : ''}`
          : L('Đã lưu phiếu', 'Sheet saved'),
      );
      void loadSheets();
    } else {
      void message.error(failure(error, response.status));
      // `scores.<item>` problems go under the item's box.
      form.setFields(
        fieldProblems(error as Problem).map((f) => ({
          name:
            f.name[0] === 'scores' && typeof f.name[1] === 'string'
              ? ['scores', f.name.slice(1).join('.')]
              : f.name,
          errors: [f.message],
        })),
      );
    }
  };

  const download = async (attachment: string, name: string) => {
    const { data } = await api.GET('/api/v1/intake/dossiers/{id}/attachments/{attachment}', {
      params: { path: { id, attachment } },
      parseAs: 'blob',
    });
    if (data) saveBlob(data as Blob, name);
  };

  if (caseError) return <Alert type="error" showIcon message={caseError} />;
  if (!kase) return null;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={3}>
        {kase.register_number}. {kase.name}
      </Typography.Title>
      <Descriptions size="small" column={{ xs: 1, md: 3 }} bordered>
        <Descriptions.Item label={L('Vòng', 'Stage')}>
          {stage ? panelKind(stage.kind) : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={L('Thời hạn chấm', 'Scoring window')}>
          {stage ? `${fmtDate(stage.from)} – ${fmtDate(stage.to)}` : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={L('Hạn quyết định', 'Decision due')}>
          {fmtDate(kase.decision_due_on)}
        </Descriptions.Item>
        <Descriptions.Item label={L('Tác giả', 'Authors')}>
          {kase.authors.map((a) => `${a.full_name} (${a.contribution_percent}%)`).join(', ')}
        </Descriptions.Item>
      </Descriptions>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card title={L('Hồ sơ và tệp đính kèm', 'Dossier and attachments')} size="small">
            {dossierError && <Alert type="info" showIcon message={dossierError} />}
            {dossier && (
              <Space direction="vertical" style={{ width: '100%' }}>
                <Descriptions size="small" column={1}>
                  <Descriptions.Item label={L('Lĩnh vực áp dụng', 'Application area')}>
                    {dossier.form.application_area}
                  </Descriptions.Item>
                  <Descriptions.Item label={L('Mô tả bản chất', 'Essence')}>
                    {dossier.form.essence}
                  </Descriptions.Item>
                  <Descriptions.Item label={L('Điều kiện áp dụng', 'Conditions')}>
                    {dossier.form.conditions}
                  </Descriptions.Item>
                  <Descriptions.Item label={L('Nơi áp dụng và kết quả', 'Applied where')}>
                    {dossier.form.applied_where}
                  </Descriptions.Item>
                  <Descriptions.Item label={L('Lợi ích', 'Benefits')}>
                    {dossier.form.benefits_by_author}
                  </Descriptions.Item>
                </Descriptions>
                <List
                  size="small"
                  dataSource={dossier.attachments}
                  renderItem={(a) => (
                    <List.Item>
                      <Button type="link" onClick={() => void download(a.id, a.name)}>
                        {a.name}
                      </Button>
                    </List.Item>
                  )}
                />
              </Space>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          {rubric && scorer && (
            <Card
              size="small"
              title={`${L('Phiếu chấm', 'Score sheet')} — ${rubric.name}`}
              extra={
                mine && (
                  <Tag>
                    {mine.status === 'submitted'
                      ? L(`Đã nộp (lần ${mine.revision})`, `Submitted (rev. ${mine.revision})`)
                      : L('Bản nháp', 'Draft')}
                  </Tag>
                )
              }
            >
              <Typography.Paragraph type="secondary">
                {L(
                  `Tổng tối đa ${fmtPoints(rubric.max)} điểm; đạt từ ${fmtPoints(rubric.pass_total)} điểm; bước chấm ${fmtPoints(rubric.step)}.`,
                  `At most ${fmtPoints(rubric.max)} points; passes from ${fmtPoints(rubric.pass_total)}; step ${fmtPoints(rubric.step)}.`,
                )}
                {(rubric.grades ?? []).length > 0 &&
                  ` ${L('Xếp loại', 'Grades')}: ${(rubric.grades ?? []).map((g) => `${g.label} ≥ ${fmtPoints(g.min_total)}`).join('; ')}.`}
              </Typography.Paragraph>
              <Form
                form={form}
                layout="vertical"
                onValuesChange={(_, all: { scores?: Record<string, number | null> }) =>
                  setScores({ ...(all.scores ?? {}) })
                }
              >
                {items(rubric).map((it) => (
                  <Form.Item
                    key={it.code}
                    name={['scores', it.code]}
                    label={`${it.name} (${L('tối đa', 'max')} ${fmtPoints(it.max)})`}
                    extra={
                      [
                        it.criterion.min_to_pass != null
                          ? `${L('Tối thiểu để đạt', 'Minimum to pass')}: ${fmtPoints(it.criterion.min_to_pass)}`
                          : '',
                        ...(it.criterion.bands ?? []).map(
                          (b) => `${fmtPoints(b.from)}–${fmtPoints(b.to)}: ${b.label}`,
                        ),
                      ]
                        .filter(Boolean)
                        .join(' · ') || undefined
                    }
                  >
                    <InputNumber
                      min={0}
                      max={it.max}
                      step={rubric.step}
                      style={{ width: 140 }}
                      decimalSeparator={L(',', '.')}
                    />
                  </Form.Item>
                ))}
                <Form.Item name="comment" label={L('Nhận xét', 'Comment')}>
                  <Input.TextArea rows={2} />
                </Form.Item>
              </Form>
              {live && (
                <Space size="large" style={{ marginBottom: 12 }}>
                  <Statistic title={L('Tổng điểm', 'Total')} value={fmtPoints(live.total)} />
                  <Statistic
                    title={L('Kết quả', 'Outcome')}
                    value={
                      live.passed
                        ? `${L('Đạt', 'Passes')}${live.grade ? ` — ${L('loại', 'grade')} ${live.grade}` : ''}`
                        : L('Chưa đạt', 'Does not pass')
                    }
                  />
                </Space>
              )}
              <Space wrap>
                <Button onClick={() => void save(false)}>{L('Lưu nháp', 'Save draft')}</Button>
                <Button type="primary" onClick={() => void save(true)}>
                  {mine?.status === 'submitted'
                    ? L('Nộp lại (sửa phiếu)', 'Submit a revision')
                    : L('Nộp phiếu', 'Submit sheet')}
                </Button>
              </Space>
            </Card>
          )}
        </Col>
      </Row>
      <Card size="small" title={L('Các phiếu chấm', 'Sheets')}>
        <Table
          size="small"
          rowKey={(s) => `${s.reviewer}-${s.stage}`}
          pagination={false}
          dataSource={sheets}
          columns={[
            { title: L('Vòng', 'Stage'), dataIndex: 'stage', render: (k: string) => panelKind(k) },
            {
              title: L('Người chấm', 'Reviewer'),
              dataIndex: 'reviewer',
              render: (r: string) => (r === me ? L('Tôi', 'Me') : r.slice(0, 8)),
            },
            {
              title: L('Tổng điểm', 'Total'),
              dataIndex: 'total',
              render: (v: number | null) => fmtPoints(v),
            },
            {
              title: L('Xếp loại', 'Grade'),
              dataIndex: 'grade',
              render: (g: string | null) => g ?? '—',
            },
            {
              title: L('Trạng thái', 'Status'),
              dataIndex: 'status',
              render: (s: string) =>
                s === 'submitted' ? L('Đã nộp', 'Submitted') : L('Nháp', 'Draft'),
            },
          ]}
        />
      </Card>
    </Space>
  );
}

// Recognition decisions: the secretariat drafts one from the concluded cases of a field and
// nominates typical initiatives; the signer reads the document and signs (If-Match); the
// certificates of a signed decision download (authors see their own).
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Input, Space, Table, Tag, Typography } from 'antd';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api } from '../api/client';
import type { components } from '../api/schema';
import { failure, fmtDate, fmtDateTime, fmtPoints, ifMatch, L, saveBlob } from '../util';
import { usePlanField } from './PlanField';

type Decision = components['schemas']['DecisionView'];
type Pending = components['schemas']['Pending'];
type Certificate = components['schemas']['CertificateView'];
type Nomination = components['schemas']['NominationView'];

const statusTag = (s: string) =>
  s === 'issued' ? (
    <Tag color="green">{L('Đã ký ban hành', 'Signed')}</Tag>
  ) : (
    <Tag color="gold">{L('Dự thảo — chờ ký', 'Draft — awaiting signature')}</Tag>
  );

function DecisionTable({ items }: { items: Decision[] }) {
  return (
    <Table
      size="small"
      rowKey="id"
      pagination={false}
      dataSource={items}
      columns={[
        {
          title: L('Trích yếu', 'Title'),
          dataIndex: 'title',
          render: (t: string, d) => <Link to={`/decisions/${d.id}`}>{t}</Link>,
        },
        {
          title: L('Số', 'Number'),
          dataIndex: 'number_text',
          render: (n: string | null) => n ?? '—',
        },
        { title: L('Công nhận', 'Recognised'), dataIndex: 'recognised_count' },
        {
          title: L('Ngày ký', 'Signed on'),
          dataIndex: 'signed_on',
          render: (d: string | null) => fmtDate(d),
        },
        { title: L('Trạng thái', 'Status'), dataIndex: 'status', render: statusTag },
      ]}
    />
  );
}

/** The secretariat's drafting screen: concluded cases, the draft, the nominations. */
export function Decisions() {
  const { planId, field, picker } = usePlanField();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [pending, setPending] = useState<Pending | undefined>();
  const [decisions, setDecisions] = useState<Decision[]>([]);
  const [nominations, setNominations] = useState<Nomination[]>([]);
  const [proposal, setProposal] = useState('Hội đồng Sáng kiến huyện tại Tờ trình số 12/TTr-HĐSK');
  const [chosen, setChosen] = useState<string[]>([]);
  const [nominationReason, setNominationReason] = useState('');

  const load = useCallback(async () => {
    if (!planId || !field) return;
    const [p, d, n] = await Promise.all([
      api.GET('/api/v1/decision/decisions/pending', {
        params: { query: { plan_id: planId, field } },
      }),
      api.GET('/api/v1/decision/decisions', {
        params: { query: { plan_id: planId, field, limit: 100 } },
      }),
      api.GET('/api/v1/decision/nominations', { params: { query: { limit: 100 } } }),
    ]);
    setPending(p.data);
    setDecisions(d.data?.items ?? []);
    setNominations(n.data?.items ?? []);
  }, [planId, field]);
  useEffect(() => {
    void load();
  }, [load]);

  const draft = async () => {
    if (!planId || !field) return;
    const { data, error, response } = await api.POST('/api/v1/decision/decisions', {
      params: { header: { 'Idempotency-Key': crypto.randomUUID() } },
      body: { plan_id: planId, field, proposal },
    });
    if (data) {
      void message.success(L('Đã lập dự thảo quyết định', 'Decision drafted'));
      navigate(`/decisions/${data.id}`);
    } else void message.error(failure(error, response.status));
  };
  const nominate = async () => {
    const { data, error, response } = await api.POST('/api/v1/decision/nominations', {
      body: { dossier_ids: chosen, reason: nominationReason },
    });
    if (data) void message.success(L('Đã gửi đề nghị lên tỉnh', 'Nomination sent to the province'));
    else void message.error(failure(error, response.status));
    void load();
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Typography.Title level={3}>
        {L('Quyết định công nhận', 'Recognition decisions')}
      </Typography.Title>
      {picker}
      <Card size="small" title={L('Hồ sơ đã có kết luận', 'Concluded dossiers')}>
        {pending && pending.in_appraisal > 0 && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 8 }}
            message={L(
              `${pending.in_appraisal} hồ sơ còn đang thẩm định`,
              `${pending.in_appraisal} dossiers still in appraisal`,
            )}
          />
        )}
        <Table
          size="small"
          rowKey="dossier_id"
          pagination={false}
          dataSource={pending?.concluded ?? []}
          columns={[
            { title: L('Số', 'No.'), dataIndex: 'register_number', width: 60 },
            { title: L('Tên sáng kiến', 'Initiative'), dataIndex: 'name' },
            {
              title: L('Điểm TB', 'Average'),
              dataIndex: 'average',
              render: (v: number | null) => fmtPoints(v),
            },
            {
              title: L('Xếp loại', 'Grade'),
              dataIndex: 'grade',
              render: (g: string | null) => g ?? '—',
            },
            {
              title: L('Đề nghị', 'Recommended'),
              dataIndex: 'recommended',
              render: (r: boolean) =>
                r ? (
                  <Tag color="green">{L('Công nhận', 'Recognise')}</Tag>
                ) : (
                  <Tag color="red">{L('Không công nhận', 'Refuse')}</Tag>
                ),
            },
          ]}
        />
        <Space style={{ marginTop: 12 }} wrap>
          <label>
            {L('Căn cứ đề nghị', 'Proposal')}{' '}
            <Input
              aria-label={L('Căn cứ đề nghị', 'Proposal')}
              value={proposal}
              onChange={(e) => setProposal(e.target.value)}
              style={{ width: 420 }}
            />
          </label>
          <Button type="primary" disabled={!pending?.concluded.length} onClick={() => void draft()}>
            {L('Lập dự thảo quyết định', 'Draft the decision')}
          </Button>
        </Space>
      </Card>
      <Card size="small" title={L('Các quyết định', 'Decisions')}>
        <DecisionTable items={decisions} />
      </Card>
      <Card
        size="small"
        title={L('Đề nghị tỉnh công nhận (sáng kiến tiêu biểu)', 'Nominations to the province')}
      >
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={nominations}
          columns={[
            {
              title: L('Ngày lập', 'Created'),
              dataIndex: 'created_at',
              render: (d: string) => fmtDateTime(d),
            },
            { title: L('Số hồ sơ', 'Dossiers'), render: (_, n) => n.dossier_ids.length },
            { title: L('Trạng thái', 'Status'), dataIndex: 'status' },
            {
              title: L('Kết quả của tỉnh', "Province's result"),
              render: (_, n) =>
                n.result
                  ? `${n.result.outcomes.filter((o) => o.recognised).length}/${n.result.outcomes.length} ${L('được công nhận', 'recognised')}`
                  : '—',
            },
          ]}
        />
        <Space style={{ marginTop: 12 }} wrap>
          <Input
            aria-label={L(
              'Số đăng ký các hồ sơ (cách nhau bởi dấu phẩy)',
              'Register numbers (comma-separated)',
            )}
            placeholder={L('Số đăng ký các hồ sơ, ví dụ 1, 3', 'Register numbers, e.g. 1, 3')}
            style={{ width: 260 }}
            onChange={(e) => {
              const wanted = e.target.value.split(',').map((s) => Number(s.trim()));
              const all = decisions.flatMap((d) => (d.status === 'issued' ? d.items : []));
              setChosen(
                all
                  .filter((i) => wanted.includes(i.register_number) && i.recognised)
                  .map((i) => i.dossier_id),
              );
            }}
          />
          <Input
            aria-label={L('Lý do đề nghị', 'Reason')}
            placeholder={L('Lý do đề nghị', 'Reason')}
            style={{ width: 300 }}
            onChange={(e) => setNominationReason(e.target.value)}
          />
          <Button disabled={!chosen.length} onClick={() => void nominate()}>
            {L('Gửi đề nghị', 'Nominate')}
          </Button>
        </Space>
      </Card>
    </Space>
  );
}

/** The signer's list: drafts waiting for a signature, then what was signed. */
export function ToSign() {
  const [drafts, setDrafts] = useState<Decision[]>([]);
  const [issued, setIssued] = useState<Decision[]>([]);
  useEffect(() => {
    void api
      .GET('/api/v1/decision/decisions', { params: { query: { status: 'draft', limit: 100 } } })
      .then(({ data }) => setDrafts(data?.items ?? []));
    void api
      .GET('/api/v1/decision/decisions', { params: { query: { status: 'issued', limit: 100 } } })
      .then(({ data }) => setIssued(data?.items ?? []));
  }, []);
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Typography.Title level={3}>
        {L('Quyết định chờ ký', 'Decisions awaiting signature')}
      </Typography.Title>
      <DecisionTable items={drafts} />
      <Typography.Title level={4}>{L('Đã ký', 'Signed')}</Typography.Title>
      <DecisionTable items={issued} />
    </Space>
  );
}

/** The certificates of a signed decision, each to download. */
export function Certificates({ decisionId }: { decisionId: string }) {
  const [items, setItems] = useState<Certificate[]>([]);
  const { message } = App.useApp();
  useEffect(() => {
    void api
      .GET('/api/v1/decision/decisions/{id}/certificates', { params: { path: { id: decisionId } } })
      .then(({ data }) => setItems(data ?? []));
  }, [decisionId]);
  const download = async (c: Certificate) => {
    const { data, error, response } = await api.GET(
      '/api/v1/decision/decisions/{id}/certificates/{dossier_id}',
      {
        params: {
          path: { id: decisionId, dossier_id: c.dossier_id },
          query: { author: c.author_index },
        },
        parseAs: 'blob',
      },
    );
    if (data)
      saveBlob(data as Blob, `giay-chung-nhan-${c.register_number}-${c.author_index + 1}.docx`);
    else void message.error(failure(error, response.status));
  };
  return (
    <Table
      size="small"
      rowKey={(c) => `${c.dossier_id}-${c.author_index}`}
      pagination={false}
      dataSource={items}
      columns={[
        { title: L('Số', 'No.'), dataIndex: 'register_number', width: 60 },
        { title: L('Tên sáng kiến', 'Initiative'), dataIndex: 'name' },
        { title: L('Cấp cho', 'Issued to'), dataIndex: 'holder' },
        {
          title: '',
          render: (_, c) => (
            <Button size="small" onClick={() => void download(c)}>
              {L('Tải giấy chứng nhận', 'Download certificate')}
            </Button>
          ),
        },
      ]}
    />
  );
}

/** A page of certificates alone (what an author opens from the link she is given). */
export function CertificatesPage() {
  const { id = '' } = useParams();
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={3}>
        {L('Giấy chứng nhận sáng kiến', 'Initiative certificates')}
      </Typography.Title>
      <Certificates decisionId={id} />
    </Space>
  );
}

/** One decision: its items, the document, the signature, the certificates. */
export function DecisionPage({ signer }: { signer: boolean }) {
  const { id = '' } = useParams();
  const { message, modal } = App.useApp();
  const [d, setD] = useState<Decision | undefined>();
  const load = useCallback(async () => {
    const { data } = await api.GET('/api/v1/decision/decisions/{id}', { params: { path: { id } } });
    setD(data);
  }, [id]);
  useEffect(() => {
    void load();
  }, [load]);
  if (!d) return null;
  const doc = async () => {
    const { data, error, response } = await api.GET('/api/v1/decision/decisions/{id}/document', {
      params: { path: { id } },
      parseAs: 'blob',
    });
    if (data) saveBlob(data as Blob, 'quyet-dinh.docx');
    else void message.error(failure(error, response.status));
  };
  const sign = () =>
    modal.confirm({
      title: L('Ký ban hành quyết định?', 'Sign and issue the decision?'),
      content: L(
        `${d.recognised_count} sáng kiến được công nhận, ${d.refused_count} không được công nhận.`,
        `${d.recognised_count} recognised, ${d.refused_count} refused.`,
      ),
      okText: L('Ký', 'Sign'),
      onOk: async () => {
        const { data, error, response } = await api.POST('/api/v1/decision/decisions/{id}/sign', {
          params: { path: { id }, header: { 'If-Match': ifMatch(d.version) } },
        });
        if (data) {
          setD(data);
          void message.success(
            `${L('Đã ký quyết định số', 'Signed decision no.')} ${data.number_text ?? ''}`,
          );
        } else {
          void message.error(failure(error, response.status));
          if (response.status === 412) void load();
        }
      },
    });
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={3}>
        {d.title} {statusTag(d.status)}
      </Typography.Title>
      <Descriptions size="small" bordered column={{ xs: 1, md: 3 }}>
        <Descriptions.Item label={L('Số', 'Number')}>{d.number_text ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={L('Ngày ký', 'Signed on')}>
          {fmtDate(d.signed_on)}
        </Descriptions.Item>
        <Descriptions.Item label={L('Căn cứ đề nghị', 'Proposal')}>{d.proposal}</Descriptions.Item>
      </Descriptions>
      <Table
        size="small"
        rowKey="dossier_id"
        pagination={false}
        dataSource={d.items}
        columns={[
          { title: L('Số', 'No.'), dataIndex: 'register_number', width: 60 },
          { title: L('Tên sáng kiến', 'Initiative'), dataIndex: 'name' },
          {
            title: L('Tác giả', 'Authors'),
            render: (_, i) =>
              i.authors.map((a) => `${a.full_name} (${a.contribution_percent}%)`).join(', '),
          },
          {
            title: L('Điểm TB', 'Average'),
            dataIndex: 'average',
            render: (v: number | null) => fmtPoints(v),
          },
          {
            title: L('Xếp loại', 'Grade'),
            dataIndex: 'grade',
            render: (g: string | null) => g ?? '—',
          },
          {
            title: L('Công nhận', 'Recognised'),
            dataIndex: 'recognised',
            render: (r: boolean) => (r ? L('Có', 'Yes') : L('Không', 'No')),
          },
        ]}
      />
      <Space>
        <Button onClick={() => void doc()}>
          {L('Đọc văn bản quyết định (DOCX)', 'Read the decision (DOCX)')}
        </Button>
        {signer && d.status === 'draft' && (
          <Button type="primary" onClick={sign}>
            {L('Ký quyết định', 'Sign the decision')}
          </Button>
        )}
      </Space>
      {d.status === 'issued' && (
        <Card size="small" title={L('Giấy chứng nhận', 'Certificates')}>
          <Typography.Paragraph>
            {L(
              'Đường dẫn cho tác giả tải giấy chứng nhận:',
              'Link for the authors to download their certificates:',
            )}{' '}
            <Link to={`/certificates/${d.id}`}>{`${location.origin}/certificates/${d.id}`}</Link>
          </Typography.Paragraph>
          <Certificates decisionId={d.id} />
        </Card>
      )}
    </Space>
  );
}

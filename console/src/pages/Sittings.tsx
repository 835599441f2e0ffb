// Council sittings (secretariat, chair): schedule one for a panel's dossiers, then the
// attendance, each dossier's vote with the two-thirds count shown as it is typed, the close,
// and the minutes (biên bản) to download.
import { useCallback, useEffect, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api } from '../api/client';
import type { components } from '../api/schema';
import { failure, fmtDate, ifMatch, L, saveBlob } from '../util';
import { panelKind, roleLabel } from './Appraisal';
import { usePlanField } from './PlanField';

type Sitting = components['schemas']['SittingView'];
type Panel = components['schemas']['PanelView'];
type Case = components['schemas']['CaseView'];
type VoteMethod = components['schemas']['VoteMethod'];

/** Votes in favour needed of `members`: two thirds, rounded up (council.rs). */
export const twoThirds = (members: number) => Math.ceil((2 * members) / 3);

const statusTag = (s: string) =>
  s === 'held' ? (
    <Tag color="green">{L('Đã họp xong', 'Held')}</Tag>
  ) : (
    <Tag color="blue">{L('Đã lên lịch', 'Scheduled')}</Tag>
  );

/** The sittings of the chosen plan and field, and the form that schedules one. */
export function Sittings() {
  const { planId, field, picker } = usePlanField();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [panels, setPanels] = useState<Panel[]>([]);
  const [cases, setCases] = useState<Case[]>([]);
  const [sittings, setSittings] = useState<Sitting[]>([]);
  const [form] = Form.useForm();

  const load = useCallback(async () => {
    if (!planId || !field) return;
    const [p, c, s] = await Promise.all([
      api.GET('/api/v1/appraisal/panels', { params: { query: { plan_id: planId, field } } }),
      api.GET('/api/v1/appraisal/cases', {
        params: { query: { plan_id: planId, field, limit: 100 } },
      }),
      api.GET('/api/v1/appraisal/sittings', { params: { query: { plan_id: planId, limit: 100 } } }),
    ]);
    const councils = (p.data ?? []).filter((x) => x.kind === 'council');
    setPanels(councils);
    setCases(
      (c.data?.items ?? []).filter(
        (x) => x.status === 'open' && x.stages[x.stage]?.kind === 'council',
      ),
    );
    setSittings((s.data?.items ?? []).filter((x) => x.field === field));
    if (councils[0]) form.setFieldValue('panel_id', councils[0].id);
  }, [planId, field, form]);
  useEffect(() => {
    void load();
  }, [load]);

  const schedule = async (v: {
    panel_id: string;
    held_on: Dayjs;
    place: string;
    dossier_ids: string[];
  }) => {
    const { data, error, response } = await api.POST('/api/v1/appraisal/sittings', {
      body: {
        panel_id: v.panel_id,
        held_on: v.held_on.format('YYYY-MM-DD'),
        place: v.place,
        dossier_ids: v.dossier_ids ?? [],
      },
    });
    if (data) {
      void message.success(L('Đã lên lịch phiên họp', 'Sitting scheduled'));
      navigate(`/sittings/${data.id}`);
    } else void message.error(failure(error, response.status));
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Typography.Title level={3}>{L('Phiên họp hội đồng', 'Council sittings')}</Typography.Title>
      {picker}
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={sittings}
        columns={[
          {
            title: L('Ngày họp', 'Date'),
            dataIndex: 'held_on',
            render: (d: string, s) => <Link to={`/sittings/${s.id}`}>{fmtDate(d)}</Link>,
          },
          { title: L('Địa điểm', 'Place'), dataIndex: 'place' },
          { title: L('Số hồ sơ', 'Dossiers'), render: (_, s) => s.dossier_ids.length },
          { title: L('Trạng thái', 'Status'), dataIndex: 'status', render: statusTag },
        ]}
      />
      <Card size="small" title={L('Lên lịch phiên họp', 'Schedule a sitting')}>
        <Form
          form={form}
          layout="vertical"
          onFinish={(v) => void schedule(v)}
          style={{ maxWidth: 560 }}
        >
          <Form.Item name="panel_id" label={L('Hội đồng', 'Council')} rules={[{ required: true }]}>
            <Select options={panels.map((p) => ({ value: p.id, label: p.name }))} />
          </Form.Item>
          <Form.Item
            name="held_on"
            label={L('Ngày họp', 'Date of the sitting')}
            rules={[{ required: true }]}
          >
            <DatePicker format="DD/MM/YYYY" />
          </Form.Item>
          <Form.Item name="place" label={L('Địa điểm', 'Place')} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item
            name="dossier_ids"
            label={L('Hồ sơ đưa ra họp', 'Dossiers to consider')}
            rules={[{ required: true }]}
          >
            <Select
              mode="multiple"
              options={cases.map((c) => ({
                value: c.id,
                label: `${c.register_number}. ${c.name}`,
              }))}
            />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {L('Lên lịch', 'Schedule')}
          </Button>
        </Form>
      </Card>
    </Space>
  );
}

function VoteRow({
  sitting,
  dossierId,
  name,
  members,
  onSaved,
}: {
  sitting: Sitting;
  dossierId: string;
  name: string;
  members: number;
  onSaved: (s: Sitting | undefined) => void;
}) {
  const { message } = App.useApp();
  const recorded = sitting.votes[dossierId];
  const [method, setMethod] = useState<VoteMethod>(recorded?.method ?? 'show_of_hands');
  const [inFavour, setInFavour] = useState<number>(recorded?.in_favour ?? 0);
  const [against, setAgainst] = useState<number>(recorded?.against ?? 0);
  const [abstaining, setAbstaining] = useState<number>(recorded?.abstaining ?? 0);
  const voters = recorded?.members ?? members;
  const need = recorded?.required ?? twoThirds(voters);
  const carried = inFavour >= need;
  const save = async () => {
    const { data, error, response } = await api.PUT(
      '/api/v1/appraisal/sittings/{id}/votes/{dossier_id}',
      {
        params: {
          path: { id: sitting.id, dossier_id: dossierId },
          header: { 'If-Match': ifMatch(sitting.version) },
        },
        body: { method, in_favour: inFavour, against, abstaining },
      },
    );
    if (data) void message.success(L('Đã ghi kết quả biểu quyết', 'Vote recorded'));
    else void message.error(failure(error, response.status));
    onSaved(data);
  };
  const open = sitting.status !== 'held';
  return (
    <Card size="small" title={name} style={{ marginBottom: 8 }}>
      <Space wrap align="end">
        <label htmlFor={`method-${dossierId}`}>{L('Hình thức', 'Method')}</label>
        <Select<VoteMethod>
          id={`method-${dossierId}`}
          value={method}
          disabled={!open}
          onChange={setMethod}
          style={{ width: 170 }}
          options={[
            { value: 'show_of_hands', label: L('Giơ tay', 'Show of hands') },
            { value: 'secret_ballot', label: L('Bỏ phiếu kín', 'Secret ballot') },
          ]}
        />
        <label>
          {L('Tán thành', 'In favour')}{' '}
          <InputNumber
            aria-label={L('Tán thành', 'In favour')}
            min={0}
            disabled={!open}
            value={inFavour}
            onChange={(v) => setInFavour(v ?? 0)}
          />
        </label>
        <label>
          {L('Không tán thành', 'Against')}{' '}
          <InputNumber
            aria-label={L('Không tán thành', 'Against')}
            min={0}
            disabled={!open}
            value={against}
            onChange={(v) => setAgainst(v ?? 0)}
          />
        </label>
        <label>
          {L('Không biểu quyết', 'Abstaining')}{' '}
          <InputNumber
            aria-label={L('Không biểu quyết', 'Abstaining')}
            min={0}
            disabled={!open}
            value={abstaining}
            onChange={(v) => setAbstaining(v ?? 0)}
          />
        </label>
        {open && <Button onClick={() => void save()}>{L('Ghi biểu quyết', 'Record vote')}</Button>}
      </Space>
      <div style={{ marginTop: 8 }} aria-live="polite">
        <Tag color={carried ? 'green' : 'red'}>
          {L(
            `${inFavour}/${voters} tán thành — cần ít nhất ${need} (hai phần ba): ${carried ? 'thông qua' : 'chưa đủ'}`,
            `${inFavour}/${voters} in favour — at least ${need} needed (two thirds): ${carried ? 'carried' : 'not enough'}`,
          )}
        </Tag>
        {recorded && <Tag>{L('Đã ghi', 'Recorded')}</Tag>}
      </div>
    </Card>
  );
}

/** One sitting: attendance, votes, close, minutes. */
export function SittingPage() {
  const { id = '' } = useParams();
  const { message } = App.useApp();
  const [sitting, setSitting] = useState<Sitting | undefined>();
  const [panel, setPanel] = useState<Panel | undefined>();
  const [names, setNames] = useState<Record<string, string>>({});
  const [present, setPresent] = useState<string[]>([]);

  const load = useCallback(async () => {
    const { data } = await api.GET('/api/v1/appraisal/sittings/{id}', { params: { path: { id } } });
    if (!data) return;
    setSitting(data);
    setPresent(data.attendance.map((a) => a.user_id));
    const p = await api.GET('/api/v1/appraisal/panels/{id}', {
      params: { path: { id: data.panel_id } },
    });
    setPanel(p.data);
    const all = await Promise.all(
      data.dossier_ids.map((d) =>
        api.GET('/api/v1/appraisal/cases/{id}', { params: { path: { id: d } } }),
      ),
    );
    setNames(
      Object.fromEntries(
        all.map((c, i) => [
          data.dossier_ids[i],
          c.data ? `${c.data.register_number}. ${c.data.name}` : data.dossier_ids[i],
        ]),
      ),
    );
  }, [id]);
  useEffect(() => {
    void load();
  }, [load]);

  const after = (s: Sitting | undefined) => {
    if (s) setSitting(s);
    else void load();
  };

  if (!sitting || !panel) return null;
  const open = sitting.status !== 'held';

  const saveAttendance = async () => {
    const { data, error, response } = await api.PUT('/api/v1/appraisal/sittings/{id}/attendance', {
      params: { path: { id }, header: { 'If-Match': ifMatch(sitting.version) } },
      body: { present },
    });
    if (data) void message.success(L('Đã ghi danh sách có mặt', 'Attendance recorded'));
    else void message.error(failure(error, response.status));
    after(data);
  };
  const close = async () => {
    const { data, error, response } = await api.POST('/api/v1/appraisal/sittings/{id}/close', {
      params: { path: { id }, header: { 'If-Match': ifMatch(sitting.version) } },
    });
    if (data) void message.success(L('Đã kết thúc phiên họp', 'Sitting closed'));
    else void message.error(failure(error, response.status));
    after(data);
  };
  const minutes = async () => {
    const { data, error, response } = await api.GET('/api/v1/appraisal/sittings/{id}/minutes', {
      params: { path: { id } },
      parseAs: 'blob',
    });
    if (data) saveBlob(data as Blob, 'bien-ban.docx');
    else void message.error(failure(error, response.status));
  };
  const presentCount = sitting.attendance.length;

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={3}>
        {L('Phiên họp', 'Sitting')} {fmtDate(sitting.held_on)} {statusTag(sitting.status)}
      </Typography.Title>
      <Descriptions size="small" bordered column={{ xs: 1, md: 3 }}>
        <Descriptions.Item label={panelKind(panel.kind)}>{panel.name}</Descriptions.Item>
        <Descriptions.Item label={L('Địa điểm', 'Place')}>{sitting.place}</Descriptions.Item>
        <Descriptions.Item label={L('Có mặt', 'Present')}>
          {L(
            `${presentCount}/${panel.members.length} thành viên`,
            `${presentCount}/${panel.members.length} members`,
          )}
        </Descriptions.Item>
      </Descriptions>
      <Card size="small" title={L('Điểm danh', 'Attendance')}>
        <Checkbox.Group
          value={present}
          onChange={(v) => setPresent(v as string[])}
          disabled={!open}
        >
          <Space direction="vertical">
            {panel.members.map((m) => (
              <Checkbox key={m.user_id} value={m.user_id}>
                {m.full_name} — {roleLabel(m.role)}
              </Checkbox>
            ))}
          </Space>
        </Checkbox.Group>
        {open && (
          <div style={{ marginTop: 8 }}>
            <Space>
              <Button onClick={() => setPresent(panel.members.map((m) => m.user_id))}>
                {L('Tất cả có mặt', 'All present')}
              </Button>
              <Button type="primary" onClick={() => void saveAttendance()}>
                {L('Ghi điểm danh', 'Record attendance')}
              </Button>
            </Space>
          </div>
        )}
      </Card>
      <Typography.Title level={4}>{L('Biểu quyết', 'Votes')}</Typography.Title>
      {sitting.dossier_ids.map((d) => (
        <VoteRow
          key={`${d}-${sitting.version}`}
          sitting={sitting}
          dossierId={d}
          name={names[d] ?? d}
          members={panel.members.length}
          onSaved={after}
        />
      ))}
      {sitting.status === 'held' && (
        <Alert
          type="success"
          showIcon
          message={L(
            'Phiên họp đã kết thúc; biên bản đã sẵn sàng.',
            'The sitting is closed; the minutes are ready.',
          )}
        />
      )}
      <Space>
        {open && (
          <Button type="primary" danger onClick={() => void close()}>
            {L('Kết thúc phiên họp', 'Close the sitting')}
          </Button>
        )}
        <Button onClick={() => void minutes()}>
          {L('Tải biên bản (DOCX)', 'Download the minutes (DOCX)')}
        </Button>
      </Space>
    </Space>
  );
}

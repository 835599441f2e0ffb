// The organiser's appraisal screen (receiving office, council secretariat): the panels of a
// plan's field and their members, the automatic assignment with its conflicts explained, the
// progress per dossier ("2/3 phiếu đã nộp") and per reviewer (overdue), recording a result.
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Empty, Input, Space, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import type { components } from '../api/schema';
import { failure, L } from '../util';
import { usePlanField } from './PlanField';

type Panel = components['schemas']['PanelView'];
type Progress = components['schemas']['PanelProgress'];
type Report = components['schemas']['AutoAssignReport'];

/** A panel role as people read it. */
export function roleLabel(role: string): string {
  const vi: Record<string, string> = {
    chair: 'Chủ tịch',
    vice_chair: 'Phó Chủ tịch',
    secretary: 'Thư ký',
    member: 'Thành viên',
    expert: 'Chuyên gia',
    trade_union: 'Đại diện Công đoàn',
    other: 'Khác',
  };
  const en: Record<string, string> = {
    chair: 'Chair',
    vice_chair: 'Vice-chair',
    secretary: 'Secretary',
    member: 'Member',
    expert: 'Expert',
    trade_union: 'Trade union',
    other: 'Other',
  };
  return L(vi[role] ?? role, en[role] ?? role);
}

/** A panel kind as people read it. */
export const panelKind = (kind: string) =>
  kind === 'council' ? L('Hội đồng sáng kiến', 'Council') : L('Tổ thẩm định', 'Appraisal team');

function PanelCard({ panel }: { panel: Panel }) {
  const { message, modal } = App.useApp();
  const [progress, setProgress] = useState<Progress | undefined>();
  const [report, setReport] = useState<Report | undefined>();
  const [busy, setBusy] = useState(false);
  const names = new Map(panel.members.map((m) => [m.user_id, m.full_name]));

  const load = useCallback(async () => {
    const { data } = await api.GET('/api/v1/appraisal/panels/{id}/progress', {
      params: { path: { id: panel.id } },
    });
    setProgress(data);
  }, [panel.id]);
  useEffect(() => {
    void load();
  }, [load]);

  const autoAssign = async () => {
    setBusy(true);
    const { data, error, response } = await api.POST('/api/v1/appraisal/panels/{id}/auto-assign', {
      params: { path: { id: panel.id } },
    });
    setBusy(false);
    if (data) {
      setReport(data);
      void message.success(L('Đã phân công tự động', 'Assigned automatically'));
      void load();
    } else void message.error(failure(error, response.status));
  };

  const recordResult = (caseId: string) => {
    let reason = '';
    modal.confirm({
      title: L('Ghi kết quả thẩm định', 'Record the appraisal result'),
      content: (
        <Input.TextArea
          aria-label={L('Lý do', 'Reason')}
          onChange={(e) => (reason = e.target.value)}
        />
      ),
      onOk: async () => {
        const { data, error, response } = await api.POST('/api/v1/appraisal/cases/{id}/result', {
          params: { path: { id: caseId } },
          body: { reason },
        });
        if (data) {
          void message.success(
            `${L('Đã ghi kết quả', 'Result recorded')}: ${data.passed ? L('Đạt', 'Passed') : L('Không đạt', 'Not passed')}${data.grade ? ` (${data.grade})` : ''}`,
          );
        } else void message.error(failure(error, response.status));
        void load();
      },
    });
  };

  return (
    <Card
      title={`${panelKind(panel.kind)} — ${panel.name}`}
      extra={
        panel.kind === 'appraisal_team' && (
          <Button type="primary" loading={busy} onClick={() => void autoAssign()}>
            {L('Phân công tự động', 'Assign automatically')}
          </Button>
        )
      }
    >
      <Typography.Title level={5}>{L('Thành viên', 'Members')}</Typography.Title>
      <Table
        size="small"
        rowKey="user_id"
        pagination={false}
        dataSource={panel.members}
        columns={[
          { title: L('Họ và tên', 'Name'), dataIndex: 'full_name' },
          { title: L('Vai trò', 'Role'), dataIndex: 'role', render: (r: string) => roleLabel(r) },
        ]}
      />
      {report && (
        <Alert
          style={{ marginTop: 12 }}
          type={report.short.length ? 'warning' : 'success'}
          showIcon
          message={L(
            `Đã phân công ${report.assigned.length} hồ sơ`,
            `${report.assigned.length} dossiers assigned`,
          )}
          description={
            <Space direction="vertical">
              {report.assigned.map((a) => (
                <span key={a.case_id}>
                  {progress?.cases.find((c) => c.case_id === a.case_id)?.name ?? a.case_id}:{' '}
                  {a.reviewers.map((r) => names.get(r) ?? r).join(', ')}
                </span>
              ))}
              {report.short.map((s) => (
                <span key={s.case_id}>
                  {progress?.cases.find((c) => c.case_id === s.case_id)?.name ?? s.case_id}:{' '}
                  {L(
                    `còn thiếu ${s.missing} người chấm — các thành viên còn lại có xung đột lợi ích (là tác giả hoặc cùng đơn vị với tác giả) hoặc đã được phân công`,
                    `${s.missing} reviewer(s) short — the other members have a conflict of interest (an author or in an author's unit) or are already assigned`,
                  )}
                </span>
              ))}
            </Space>
          }
        />
      )}
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {L('Tiến độ theo hồ sơ', 'Progress per dossier')}
      </Typography.Title>
      <Table
        size="small"
        rowKey="case_id"
        pagination={false}
        locale={{ emptyText: <Empty description={L('Chưa có hồ sơ', 'No dossiers yet')} /> }}
        dataSource={progress?.cases ?? []}
        columns={[
          { title: L('Số', 'No.'), dataIndex: 'register_number', width: 60 },
          {
            title: L('Tên sáng kiến', 'Initiative'),
            dataIndex: 'name',
            render: (n: string, c) => <Link to={`/cases/${c.case_id}`}>{n}</Link>,
          },
          {
            title: L('Phiếu chấm', 'Sheets'),
            render: (_, c) => (
              <Space>
                {L(
                  `${c.sheets_submitted}/${c.sheets_required} phiếu đã nộp`,
                  `${c.sheets_submitted}/${c.sheets_required} sheets submitted`,
                )}
                {c.third_reviewer_needed && (
                  <Tag color="orange">{L('Cần người chấm thứ ba', 'Third reviewer needed')}</Tag>
                )}
              </Space>
            ),
          },
          {
            title: L('Kết quả', 'Result'),
            render: (_, c) =>
              c.result_recorded ? (
                <Tag color="green">{L('Đã ghi kết quả', 'Recorded')}</Tag>
              ) : panel.kind === 'appraisal_team' ? (
                <Button
                  size="small"
                  disabled={c.sheets_submitted < c.sheets_required}
                  onClick={() => recordResult(c.case_id)}
                >
                  {L('Ghi kết quả', 'Record result')}
                </Button>
              ) : (
                '—'
              ),
          },
        ]}
      />
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {L('Tiến độ theo người chấm', 'Progress per reviewer')}
      </Typography.Title>
      <Table
        size="small"
        rowKey="reviewer"
        pagination={false}
        dataSource={progress?.reviewers ?? []}
        columns={[
          { title: L('Người chấm', 'Reviewer'), dataIndex: 'full_name' },
          { title: L('Được giao', 'Assigned'), dataIndex: 'assigned' },
          { title: L('Đã nộp', 'Submitted'), dataIndex: 'submitted' },
          {
            title: L('Quá hạn', 'Overdue'),
            dataIndex: 'overdue',
            render: (n: number) => (n ? <Tag color="red">{n}</Tag> : 0),
          },
        ]}
      />
    </Card>
  );
}

/** The panels of the chosen plan and field, each with its assignment and progress. */
export function Appraisal() {
  const { planId, field, picker } = usePlanField();
  const [panels, setPanels] = useState<Panel[] | undefined>();
  useEffect(() => {
    if (!planId || !field) return;
    void api
      .GET('/api/v1/appraisal/panels', { params: { query: { plan_id: planId, field } } })
      .then(({ data }) => setPanels(data ?? []));
  }, [planId, field]);
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Typography.Title level={3}>{L('Thẩm định', 'Appraisal')}</Typography.Title>
      {picker}
      {panels?.length === 0 && (
        <Empty description={L('Chưa lập hội đồng, tổ thẩm định', 'No panels yet')} />
      )}
      {panels?.map((p) => (
        <PanelCard key={p.id} panel={p} />
      ))}
    </Space>
  );
}

// The budget of a plan (Circular 03/2019/TT-BTC): the estimate line by line with its legal
// basis, the finance office's approve / adjust with a reason / reject per line, approving the
// estimate; the execution report as a table and a chart (approved vs spent), its XLSX; the
// settlement. The secretariat drafts the estimate from the plan.
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Input, InputNumber, Space, Table, Tag, Typography } from 'antd';
import { api } from '../api/client';
import type { components } from '../api/schema';
import { failure, fmtDate, fmtMoney, ifMatch, L, saveBlob } from '../util';
import { usePlanField } from './PlanField';

type Estimate = components['schemas']['EstimateView'];
type Line = components['schemas']['LineView'];
type Rate = components['schemas']['RateView'];
type Report = components['schemas']['ExecutionReport'];
type Settlement = components['schemas']['SettlementView'];

const appraisalTag = (a: string) => {
  const m: Record<string, [string, string, string]> = {
    pending: ['default', 'Chờ thẩm định', 'Pending'],
    approved: ['green', 'Đồng ý', 'Approved'],
    adjusted: ['gold', 'Điều chỉnh', 'Adjusted'],
    rejected: ['red', 'Không đồng ý', 'Rejected'],
  };
  const [c, vi, en] = m[a] ?? ['default', a, a];
  return <Tag color={c}>{L(vi, en)}</Tag>;
};

/** One bar of the chart: `value` of `max` as a share of the width, its amount read out. */
function Bar({
  value,
  max,
  color,
  label,
}: {
  value: number;
  max: number;
  color: string;
  label: string;
}) {
  return (
    <div
      title={`${label}: ${fmtMoney(value)}`}
      aria-label={`${label}: ${fmtMoney(value)}`}
      style={{ background: '#f0f0f0', borderRadius: 4, height: 10, margin: '4px 0' }}
    >
      <div
        style={{
          width: `${Math.min(100, (100 * value) / max)}%`,
          background: color,
          height: 10,
          borderRadius: 4,
        }}
      />
    </div>
  );
}

/** The finance screen; `finance` decides whether the appraisal actions show. */
export function Budget({ finance, secretariat }: { finance: boolean; secretariat: boolean }) {
  const { planId, plan, picker } = usePlanField(false);
  const { message, modal } = App.useApp();
  const [estimate, setEstimate] = useState<Estimate | undefined>();
  const [rates, setRates] = useState<Rate[]>([]);
  const [report, setReport] = useState<Report | undefined>();
  const [settlement, setSettlement] = useState<Settlement | undefined>();
  const [note, setNote] = useState('');
  const [loaded, setLoaded] = useState(false);
  // One appraisal at a time: each answer carries the estimate's next version (If-Match).
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    if (!planId) return;
    const list = await api.GET('/api/v1/decision/budget/plans/{plan_id}/estimates', {
      params: { path: { plan_id: planId } },
    });
    const current = (list.data ?? []).find((e) => e.status !== 'superseded') ?? list.data?.[0];
    if (current) {
      const e = await api.GET('/api/v1/decision/budget/estimates/{id}', {
        params: { path: { id: current.id } },
      });
      setEstimate(e.data);
    } else setEstimate(undefined);
    const [r, x, s] = await Promise.all([
      api.GET('/api/v1/decision/budget/rates/applicable', { params: { query: {} } }),
      api.GET('/api/v1/decision/budget/plans/{plan_id}/execution', {
        params: { path: { plan_id: planId } },
      }),
      api.GET('/api/v1/decision/budget/plans/{plan_id}/settlement', {
        params: { path: { plan_id: planId } },
      }),
    ]);
    setRates(r.data ?? []);
    setReport(x.data);
    setSettlement(s.data);
    setLoaded(true);
  }, [planId]);
  useEffect(() => {
    void load();
  }, [load]);

  const after = (data: Estimate | undefined, error: unknown, status: number, ok: string) => {
    if (data) {
      setEstimate(data);
      void message.success(ok);
    } else {
      void message.error(failure(error, status));
      void load();
    }
  };

  const draft = async () => {
    if (!planId) return;
    const { data, error, response } = await api.POST(
      '/api/v1/decision/budget/plans/{plan_id}/estimates',
      { params: { path: { plan_id: planId } } },
    );
    after(
      data,
      error,
      response.status,
      L('Đã lập dự toán từ kế hoạch', 'Estimate drafted from the plan'),
    );
  };

  const appraise = (line: Line, decision: 'approve' | 'adjust' | 'reject') => {
    if (!estimate) return;
    const send = async (amount?: number, reason?: string) => {
      setBusy(true);
      const { data, error, response } = await api.PUT(
        '/api/v1/decision/budget/estimates/{id}/lines/{line_id}/appraisal',
        {
          params: {
            path: { id: estimate.id, line_id: line.id },
            header: { 'If-Match': ifMatch(estimate.version) },
          },
          body: { decision, amount: amount ?? null, reason: reason ?? null },
        },
      );
      after(data, error, response.status, L('Đã ghi ý kiến thẩm định', 'Appraisal recorded'));
      setBusy(false);
    };
    if (decision === 'approve') {
      void send();
      return;
    }
    let amount = line.amount;
    let reason = '';
    modal.confirm({
      title:
        decision === 'adjust'
          ? L('Điều chỉnh dòng dự toán', 'Adjust the line')
          : L('Không đồng ý dòng dự toán', 'Reject the line'),
      content: (
        <Space direction="vertical" style={{ width: '100%' }}>
          {decision === 'adjust' && (
            <label>
              {L('Số tiền duyệt (đồng)', 'Approved amount (đồng)')}
              <InputNumber
                aria-label={L('Số tiền duyệt (đồng)', 'Approved amount (đồng)')}
                style={{ width: '100%' }}
                defaultValue={line.amount}
                min={0}
                formatter={(v) => `${v ?? ''}`.replace(/\B(?=(\d{3})+(?!\d))/g, '.')}
                parser={(v) => Number((v ?? '').replace(/\./g, ''))}
                onChange={(v) => (amount = Number(v ?? 0))}
              />
            </label>
          )}
          <label>
            {L('Lý do', 'Reason')}
            <Input.TextArea
              aria-label={L('Lý do', 'Reason')}
              onChange={(e) => (reason = e.target.value)}
            />
          </label>
        </Space>
      ),
      onOk: () => send(decision === 'adjust' ? amount : undefined, reason),
    });
  };

  const approve = async () => {
    if (!estimate) return;
    const { data, error, response } = await api.POST(
      '/api/v1/decision/budget/estimates/{id}/approve',
      {
        params: { path: { id: estimate.id }, header: { 'If-Match': ifMatch(estimate.version) } },
      },
    );
    after(data, error, response.status, L('Đã phê duyệt dự toán', 'Estimate approved'));
    void load();
  };

  const xlsx = async (kind: 'execution' | 'settlement') => {
    if (!planId) return;
    const { data, error, response } =
      kind === 'execution'
        ? await api.GET('/api/v1/decision/budget/plans/{plan_id}/execution.xlsx', {
            params: { path: { plan_id: planId } },
            parseAs: 'blob',
          })
        : await api.GET('/api/v1/decision/budget/plans/{plan_id}/settlement.xlsx', {
            params: { path: { plan_id: planId } },
            parseAs: 'blob',
          });
    if (data) saveBlob(data as Blob, kind === 'execution' ? 'thuc-hien.xlsx' : 'quyet-toan.xlsx');
    else void message.error(failure(error, response.status));
  };

  const settle = async () => {
    if (!planId) return;
    const { data, error, response } = await api.POST(
      '/api/v1/decision/budget/plans/{plan_id}/settlement',
      {
        params: { path: { plan_id: planId } },
        body: { note: note || null },
      },
    );
    if (data) {
      setSettlement(data);
      void message.success(L('Đã quyết toán', 'Settled'));
    } else void message.error(failure(error, response.status));
  };

  const basis = (line: Line) => rates.find((r) => r.id === line.rate_id)?.legal_basis ?? '—';
  const draftEstimate = estimate?.status === 'draft';
  const max = Math.max(1, ...(report?.lines ?? []).map((l) => Math.max(l.estimated, l.spent)));

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Typography.Title level={3}>{L('Kinh phí', 'Budget')}</Typography.Title>
      {picker}
      <Card
        size="small"
        title={
          estimate
            ? `${L('Dự toán', 'Estimate')} ${plan?.year ?? ''} — ${L('lần', 'revision')} ${estimate.revision} (${estimate.status === 'approved' ? L('đã phê duyệt', 'approved') : estimate.status === 'draft' ? L('dự thảo', 'draft') : estimate.status})`
            : L('Dự toán', 'Estimate')
        }
        extra={
          loaded &&
          !estimate &&
          secretariat && (
            <Button type="primary" onClick={() => void draft()}>
              {L('Lập dự toán từ kế hoạch', 'Draft the estimate from the plan')}
            </Button>
          )
        }
      >
        {loaded && !estimate && (
          <Alert type="info" showIcon message={L('Chưa có dự toán', 'No estimate yet')} />
        )}
        {estimate && (
          <>
            <Table
              size="small"
              rowKey="id"
              pagination={false}
              scroll={{ x: true }}
              dataSource={estimate.lines}
              columns={[
                {
                  title: L('Mục chi', 'Line'),
                  render: (_, l) => `${l.line_code} — ${l.line_name}`,
                },
                { title: L('Nội dung', 'Description'), dataIndex: 'description' },
                { title: L('Căn cứ pháp lý', 'Legal basis'), render: (_, l) => basis(l) },
                { title: L('SL', 'Qty'), dataIndex: 'quantity', align: 'right' },
                {
                  title: L('Đơn giá', 'Unit amount'),
                  dataIndex: 'unit_amount',
                  align: 'right',
                  render: fmtMoney,
                },
                {
                  title: L('Thành tiền', 'Amount'),
                  dataIndex: 'amount',
                  align: 'right',
                  render: fmtMoney,
                },
                {
                  title: L('Số duyệt', 'Approved'),
                  dataIndex: 'approved_amount',
                  align: 'right',
                  render: fmtMoney,
                },
                {
                  title: L('Thẩm định', 'Appraisal'),
                  render: (_, l) => (
                    <Space direction="vertical" size={0}>
                      {appraisalTag(l.appraisal)}
                      {l.appraisal_reason && (
                        <Typography.Text type="secondary">{l.appraisal_reason}</Typography.Text>
                      )}
                    </Space>
                  ),
                },
                ...(finance && draftEstimate
                  ? [
                      {
                        title: '',
                        render: (_: unknown, l: Line) => (
                          <Space size={4} wrap>
                            <Button
                              size="small"
                              aria-label={`${L('Đồng ý', 'Approve')} ${l.line_code}`}
                              disabled={busy}
                              onClick={() => appraise(l, 'approve')}
                            >
                              {L('Đồng ý', 'Approve')}
                            </Button>
                            <Button
                              size="small"
                              disabled={busy}
                              onClick={() => appraise(l, 'adjust')}
                            >
                              {L('Điều chỉnh', 'Adjust')}
                            </Button>
                            <Button
                              size="small"
                              danger
                              disabled={busy}
                              onClick={() => appraise(l, 'reject')}
                            >
                              {L('Không đồng ý', 'Reject')}
                            </Button>
                          </Space>
                        ),
                      },
                    ]
                  : []),
              ]}
              summary={() => (
                <Table.Summary.Row>
                  <Table.Summary.Cell index={0} colSpan={5}>
                    <b>{L('Tổng cộng', 'Total')}</b>
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={5} align="right">
                    <b>{fmtMoney(estimate.total)}</b>
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={6} align="right">
                    <b>{fmtMoney(estimate.approved_total)}</b>
                  </Table.Summary.Cell>
                </Table.Summary.Row>
              )}
            />
            {finance && draftEstimate && (
              <Button type="primary" style={{ marginTop: 12 }} onClick={() => void approve()}>
                {L('Phê duyệt dự toán', 'Approve the estimate')}
              </Button>
            )}
            {estimate.approved_at && (
              <Typography.Paragraph style={{ marginTop: 12 }}>
                {L('Phê duyệt ngày', 'Approved on')} {fmtDate(estimate.approved_at)}:{' '}
                {fmtMoney(estimate.approved_total)}
              </Typography.Paragraph>
            )}
          </>
        )}
      </Card>
      {report && (
        <Card
          size="small"
          title={L('Báo cáo thực hiện', 'Execution report')}
          extra={
            <Button onClick={() => void xlsx('execution')}>
              {L('Tải báo cáo (XLSX)', 'Download (XLSX)')}
            </Button>
          }
        >
          <Table
            size="small"
            rowKey={(l) => `${l.line_code}-${l.payee_name}`}
            pagination={false}
            scroll={{ x: true }}
            dataSource={report.lines}
            columns={[
              { title: L('Mục chi', 'Line'), render: (_, l) => `${l.line_code} — ${l.line_name}` },
              { title: L('Người nhận', 'Payee'), dataIndex: 'payee_name' },
              {
                title: L('Dự toán duyệt', 'Approved'),
                dataIndex: 'estimated',
                align: 'right',
                render: fmtMoney,
              },
              { title: L('Đã chi', 'Spent'), dataIndex: 'spent', align: 'right', render: fmtMoney },
              {
                title: L('Còn lại', 'Remaining'),
                dataIndex: 'remaining',
                align: 'right',
                render: (v: number, l) =>
                  l.over ? <Tag color="red">{fmtMoney(v)}</Tag> : fmtMoney(v),
              },
            ]}
            summary={() => (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0} colSpan={2}>
                  <b>{L('Tổng cộng', 'Total')}</b>
                </Table.Summary.Cell>
                <Table.Summary.Cell index={2} align="right">
                  {fmtMoney(report.totals.estimated)}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={3} align="right">
                  {fmtMoney(report.totals.spent)}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={4} align="right">
                  {fmtMoney(report.totals.remaining)}
                </Table.Summary.Cell>
              </Table.Summary.Row>
            )}
          />
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {L('Biểu đồ: dự toán duyệt và đã chi theo mục', 'Chart: approved and spent per line')}
          </Typography.Title>
          <div role="img" aria-label={L('Biểu đồ dự toán và đã chi', 'Approved vs spent chart')}>
            {report.lines.map((l) => (
              <div key={`${l.line_code}-${l.payee_name}`} style={{ marginBottom: 8 }}>
                <div>
                  {l.line_code} — {l.line_name}
                </div>
                <Bar value={l.estimated} max={max} color="#1677ff" label={L('Duyệt', 'Approved')} />
                <Bar
                  value={l.spent}
                  max={max}
                  color={l.over ? '#ff4d4f' : '#52c41a'}
                  label={L('Đã chi', 'Spent')}
                />
                <Typography.Text type="secondary">
                  {L('Duyệt', 'Approved')} {fmtMoney(l.estimated)} · {L('Đã chi', 'Spent')}{' '}
                  {fmtMoney(l.spent)}
                </Typography.Text>
              </div>
            ))}
          </div>
        </Card>
      )}
      <Card size="small" title={L('Quyết toán', 'Settlement')}>
        {settlement ? (
          <Space direction="vertical">
            <span>
              {L('Đã quyết toán ngày', 'Settled on')} {fmtDate(settlement.settled_at)}:{' '}
              {L('dự toán', 'estimated')} {fmtMoney(settlement.estimated)}, {L('đã chi', 'spent')}{' '}
              {fmtMoney(settlement.spent)}
            </span>
            <Button onClick={() => void xlsx('settlement')}>
              {L('Tải quyết toán (XLSX)', 'Download the settlement (XLSX)')}
            </Button>
          </Space>
        ) : finance ? (
          <Space wrap>
            <Input
              aria-label={L('Ghi chú quyết toán', 'Settlement note')}
              placeholder={L('Ghi chú', 'Note')}
              style={{ width: 300 }}
              onChange={(e) => setNote(e.target.value)}
            />
            <Button disabled={estimate?.status !== 'approved'} onClick={() => void settle()}>
              {L('Quyết toán năm', 'Settle the year')}
            </Button>
          </Space>
        ) : (
          L('Chưa quyết toán', 'Not settled yet')
        )}
      </Card>
    </Space>
  );
}

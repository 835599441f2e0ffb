// The office's dashboard: counts of a plan's dossiers per field and status.
import { useEffect, useState } from 'react';
import { App, Button, Space, Table, Typography } from 'antd';
import { api } from '../api/client';
import type { components } from '../api/schema';
import { statusLabel } from '../i18n';
import { failure, L, saveBlob } from '../util';
import { usePlanField } from './PlanField';

type Dash = components['schemas']['Dashboard'];

/** Counts per field and status for the chosen plan, and each field's register as XLSX. */
export function Dashboard() {
  const { planId, plan, picker } = usePlanField(false);
  const { message } = App.useApp();
  const [dash, setDash] = useState<Dash | undefined>();
  useEffect(() => {
    if (!planId) return;
    void api
      .GET('/api/v1/intake/dashboard', { params: { query: { plan_id: planId } } })
      .then(({ data }) => setDash(data));
  }, [planId]);
  const statuses = [...new Set((dash?.fields ?? []).flatMap((f) => Object.keys(f.by_status)))];
  const fieldName = (code: string) => plan?.fields.find((f) => f.code === code)?.name ?? code;
  const register = async (field: string) => {
    if (!planId) return;
    const { data, error, response } = await api.GET('/api/v1/intake/plans/{id}/register.xlsx', {
      params: { path: { id: planId }, query: { field } },
      parseAs: 'blob',
    });
    if (data) saveBlob(data as Blob, `so-dang-ky-${field}.xlsx`);
    else void message.error(failure(error, response.status));
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={3}>{L('Thống kê hồ sơ', 'Dossier dashboard')}</Typography.Title>
      {picker}
      <Table
        size="small"
        rowKey="field"
        pagination={false}
        scroll={{ x: true }}
        dataSource={dash?.fields ?? []}
        columns={[
          { title: L('Lĩnh vực', 'Field'), dataIndex: 'field', render: fieldName },
          ...statuses.map((s) => ({
            title: statusLabel(s),
            key: s,
            render: (_: unknown, f: Dash['fields'][number]) =>
              (f.by_status as Record<string, number>)[s] ?? 0,
          })),
          { title: L('Tổng', 'Total'), dataIndex: 'total' },
          {
            key: 'register',
            render: (_: unknown, f: Dash['fields'][number]) => (
              <Button size="small" onClick={() => void register(f.field)}>
                {L('Tải sổ đăng ký (XLSX)', 'Download the register (XLSX)')}
              </Button>
            ),
          },
        ]}
      />
      <Typography.Text>
        {L('Tổng số hồ sơ', 'All dossiers')}: {dash?.total ?? 0}
      </Typography.Text>
    </Space>
  );
}

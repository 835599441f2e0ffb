// The reviewer's start: my assignments with their due dates and where my sheet stands
// (`GET /appraisal/my/assignments`); each opens the case's page with the score sheet. A case
// can also be opened by the dossier's id, as from a link the organiser sent.
import { useEffect, useState } from 'react';
import { Button, Empty, Input, Space, Table, Tag, Typography } from 'antd';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import type { components } from '../api/schema';
import { fmtDate, L } from '../util';
import { panelKind } from './Appraisal';

type Assignment = components['schemas']['MyAssignment'];

const sheetTag = (s: string) =>
  s === 'submitted' ? (
    <Tag color="green">{L('Đã nộp', 'Submitted')}</Tag>
  ) : s === 'draft' ? (
    <Tag color="gold">{L('Đang chấm', 'Draft')}</Tag>
  ) : (
    <Tag>{L('Chưa chấm', 'Not started')}</Tag>
  );

/** My assignments, and a case opened by the dossier's id. */
export function ReviewerHome() {
  const navigate = useNavigate();
  const [id, setId] = useState('');
  const [items, setItems] = useState<Assignment[] | undefined>();
  useEffect(() => {
    void api
      .GET('/api/v1/appraisal/my/assignments', { params: { query: { limit: 100 } } })
      .then(({ data }) => setItems(data?.items ?? []));
  }, []);
  const valid = /^[0-9a-f-]{36}$/i.test(id.trim());
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={3}>
        {L('Hồ sơ được phân công chấm', 'My assignments')}
      </Typography.Title>
      <Table
        size="small"
        rowKey={(a) => `${a.case_id}-${a.stage}`}
        loading={!items}
        pagination={false}
        scroll={{ x: true }}
        locale={{
          emptyText: (
            <Empty description={L('Chưa được phân công hồ sơ nào', 'Nothing assigned yet')} />
          ),
        }}
        dataSource={items ?? []}
        columns={[
          { title: L('Số', 'No.'), dataIndex: 'register_number', width: 60 },
          {
            title: L('Tên sáng kiến', 'Initiative'),
            dataIndex: 'dossier_name',
            render: (n: string, a) => <Link to={`/cases/${a.case_id}`}>{n}</Link>,
          },
          { title: L('Vòng', 'Stage'), dataIndex: 'stage', render: (k: string) => panelKind(k) },
          {
            title: L('Hạn chấm', 'Due'),
            dataIndex: 'due_on',
            render: (d: string | null) => fmtDate(d),
          },
          { title: L('Phiếu của tôi', 'My sheet'), dataIndex: 'sheet_state', render: sheetTag },
        ]}
      />
      <label htmlFor="case-id">{L('Mở hồ sơ theo mã', 'Open a dossier by its id')}</label>
      <Space.Compact style={{ width: '100%', maxWidth: 560 }}>
        <Input
          id="case-id"
          value={id}
          onChange={(e) => setId(e.target.value)}
          onPressEnter={() => valid && navigate(`/cases/${id.trim()}`)}
        />
        <Button type="primary" disabled={!valid} onClick={() => navigate(`/cases/${id.trim()}`)}>
          {L('Mở phiếu chấm', 'Open the sheet')}
        </Button>
      </Space.Compact>
    </Space>
  );
}

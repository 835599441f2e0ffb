// Lists of dossiers for the author (mine), the unit head (submitted, to confirm) and the
// receiving office (confirmed, to register), with search, status filter and paging.
import { useCallback, useEffect, useState } from 'react';
import { App, Button, DatePicker, Empty, Input, Select, Space, Table, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import { failure, L } from '../util';
import dayjs from 'dayjs';
import { useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import { problemText, type Problem } from '../api/problem';
import type { components } from '../api/schema';
import { statusLabel, texts } from '../i18n';

type Summary = components['schemas']['DossierSummary'];
type Status = components['schemas']['Status'];

const STATUSES: Status[] = [
  'draft',
  'submitted',
  'returned',
  'confirmed',
  'correction_requested',
  'received',
  'in_appraisal',
  'concluded',
  'recognised',
  'refused',
  'withdrawn',
];

/** Whose list it is: decides the default filter and the actions on each row. */
export type ListMode = 'author' | 'unit_head' | 'office';

const DEFAULT_STATUS: Record<ListMode, Status | undefined> = {
  author: undefined,
  unit_head: 'submitted',
  office: 'confirmed',
};

/** A page of dossiers with the actions of the person's role. */
export function DossierList({ mode }: { mode: ListMode }) {
  const t = texts();
  const navigate = useNavigate();
  const { message, modal } = App.useApp();
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<Status | undefined>(DEFAULT_STATUS[mode]);
  const [items, setItems] = useState<Summary[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [loading, setLoading] = useState(true);

  const load = useCallback(
    async (after?: string) => {
      setLoading(true);
      const { data, error } = await api.GET('/api/v1/intake/dossiers', {
        params: { query: { q: q || undefined, status, cursor: after, limit: 20 } },
      });
      setLoading(false);
      if (data) {
        setItems((old) => (after ? [...old, ...data.items] : data.items));
        setCursor(data.next_cursor ?? undefined);
      } else {
        void message.error(problemText(error as Problem, t.error));
      }
    },
    [q, status, message, t.error],
  );

  useEffect(() => {
    void load();
  }, [load]);

  const act = async (row: Summary, action: 'confirm' | 'register' | 'return') => {
    const path = { path: { id: row.id } };
    if (action === 'confirm') {
      const { data, error } = await api.POST('/api/v1/intake/dossiers/{id}/confirm', {
        params: path,
      });
      if (data) void message.success(t.confirmed);
      else void message.error(problemText(error as Problem, t.error));
    } else if (action === 'register') {
      const { data, error } = await api.POST('/api/v1/intake/dossiers/{id}/register', {
        params: path,
      });
      if (data)
        modal.info({ title: `${t.receipt} — ${data.register_number}`, content: data.text_vi });
      else void message.error(problemText(error as Problem, t.error));
    } else {
      let reason = '';
      modal.confirm({
        title: t.returnIt,
        content: (
          <Input.TextArea aria-label={t.reason} onChange={(e) => (reason = e.target.value)} />
        ),
        onOk: async () => {
          const { error } = await api.POST('/api/v1/intake/dossiers/{id}/return', {
            params: path,
            body: { reason },
          });
          if (error) void message.error(problemText(error as Problem, t.error));
          void load();
        },
      });
      return;
    }
    void load();
  };

  /** The office asks for corrections (reason, deadline) or reopens the window (reason, until). */
  const officeAct = (row: Summary, action: 'correction' | 'reopen') => {
    let reason = '';
    let date: Dayjs | null = null;
    const correction = action === 'correction';
    modal.confirm({
      title: correction
        ? L('Yêu cầu bổ sung, sửa đổi hồ sơ', 'Ask for corrections')
        : L('Mở lại hạn nộp cho hồ sơ này', 'Reopen the window for this dossier'),
      content: (
        <Space direction="vertical" style={{ width: '100%' }}>
          <label htmlFor="office-reason">{L('Lý do', 'Reason')}</label>
          <Input.TextArea id="office-reason" onChange={(e) => (reason = e.target.value)} />
          <label htmlFor="office-date">
            {correction
              ? L('Hạn bổ sung (mặc định một tháng)', 'Deadline (one month by default)')
              : L('Được nộp đến ngày', 'May be submitted until')}
          </label>
          <DatePicker id="office-date" format="DD/MM/YYYY" onChange={(d) => (date = d)} />
        </Space>
      ),
      onOk: async () => {
        const path = { path: { id: row.id } };
        const day = date ? (date as Dayjs).format('YYYY-MM-DD') : undefined;
        const { error, response } = correction
          ? await api.POST('/api/v1/intake/dossiers/{id}/request-correction', {
              params: path,
              body: { reason, deadline: day ?? null },
            })
          : await api.POST('/api/v1/intake/dossiers/{id}/window-exception', {
              params: path,
              body: { reason, until: day ?? '' },
            });
        if (error) void message.error(failure(error, response.status));
        else
          void message.success(
            correction
              ? L('Đã yêu cầu bổ sung', 'Corrections asked')
              : L('Đã mở lại hạn nộp', 'Window reopened'),
          );
        void load();
      },
    });
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Input.Search
          placeholder={t.search}
          allowClear
          onSearch={(v) => setQ(v)}
          style={{ width: 320 }}
          aria-label={t.search}
        />
        <Select<Status | undefined>
          style={{ width: 220 }}
          value={status}
          allowClear
          placeholder={t.allStatuses}
          onChange={(v) => setStatus(v)}
          options={STATUSES.map((s) => ({ value: s, label: statusLabel(s) }))}
        />
        {mode === 'author' && (
          <Button type="primary" onClick={() => navigate('/dossiers/new')}>
            {t.newDossier}
          </Button>
        )}
      </Space>
      <Table<Summary>
        rowKey="id"
        loading={loading}
        dataSource={items}
        pagination={false}
        locale={{ emptyText: <Empty description={t.empty} /> }}
        scroll={{ x: true }}
        columns={[
          { title: t.name, dataIndex: 'name', render: (v: string) => v || '—' },
          { title: t.authors, dataIndex: 'authors', render: (v: string[]) => v.join(', ') },
          { title: t.field, dataIndex: 'field' },
          { title: t.status, dataIndex: 'status_label', render: (v: string) => <Tag>{v}</Tag> },
          {
            title: t.updated,
            dataIndex: 'updated_at',
            render: (v: string) => dayjs(v).format('DD/MM/YYYY HH:mm'),
          },
          {
            key: 'actions',
            render: (_: unknown, row: Summary) => (
              <Space>
                {mode === 'author' && (
                  <Button size="small" onClick={() => navigate(`/dossiers/${row.id}`)}>
                    {t.open}
                  </Button>
                )}
                {mode === 'unit_head' && row.status === 'submitted' && (
                  <>
                    <Button size="small" type="primary" onClick={() => void act(row, 'confirm')}>
                      {t.confirm}
                    </Button>
                    <Button size="small" onClick={() => void act(row, 'return')}>
                      {t.returnIt}
                    </Button>
                  </>
                )}
                {mode === 'office' && row.status === 'confirmed' && (
                  <>
                    <Button size="small" type="primary" onClick={() => void act(row, 'register')}>
                      {t.register}
                    </Button>
                    <Button size="small" onClick={() => officeAct(row, 'correction')}>
                      {L('Yêu cầu bổ sung', 'Ask for corrections')}
                    </Button>
                  </>
                )}
                {mode === 'office' &&
                  ['draft', 'returned'].includes(row.status) && (
                    <Button size="small" onClick={() => officeAct(row, 'reopen')}>
                      {L('Mở lại hạn nộp', 'Reopen the window')}
                    </Button>
                  )}
              </Space>
            ),
          },
        ]}
      />
      {cursor && (
        <Button onClick={() => void load(cursor)} loading={loading}>
          {t.more}
        </Button>
      )}
    </Space>
  );
}

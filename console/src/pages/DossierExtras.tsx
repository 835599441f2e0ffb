// Below an author's dossier: the outcome once concluded, the history of what happened to it,
// the submitted versions, and its files to download.
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Collapse, Descriptions, List, Space, Table, Timeline } from 'antd';
import { api } from '../api/client';
import type { components } from '../api/schema';
import { statusLabel } from '../i18n';
import { fmtDate, fmtDateTime, fmtPoints, L, saveBlob } from '../util';
import { Certificates } from './Decisions';

type Dossier = components['schemas']['DossierView'];
type History = components['schemas']['HistoryEntry'];
type Version = components['schemas']['VersionView'];
type Outcome = components['schemas']['OutcomeView'];
type Decision = components['schemas']['DecisionView'];

const ACTIONS: Record<string, [string, string]> = {
  created: ['Tạo hồ sơ', 'Created'],
  updated: ['Sửa hồ sơ', 'Edited'],
  submitted: ['Nộp hồ sơ', 'Submitted'],
  confirmed: ['Thủ trưởng xác nhận', 'Confirmed by the unit head'],
  returned: ['Trả lại', 'Returned'],
  registered: ['Tiếp nhận', 'Registered'],
  correction_requested: ['Yêu cầu bổ sung', 'Correction requested'],
  withdrawn: ['Rút hồ sơ', 'Withdrawn'],
};

/** What people read for a history action (the code itself when unknown). */
function action(a: string): string {
  const known = ACTIONS[a.replace(/^dossier\./, '')];
  return known ? L(known[0], known[1]) : statusLabel(a.replace(/^dossier\./, ''));
}

/** The dossier's outcome, history, versions and files. */
export function DossierExtras({ dossier }: { dossier: Dossier }) {
  const id = dossier.id;
  const [history, setHistory] = useState<History[]>([]);
  const [versions, setVersions] = useState<Version[]>([]);
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const [decision, setDecision] = useState<Decision | undefined>();
  useEffect(() => {
    void api
      .GET('/api/v1/intake/dossiers/{id}/history', { params: { path: { id } } })
      .then(({ data }) => setHistory(data ?? []));
    void api
      .GET('/api/v1/intake/dossiers/{id}/versions', { params: { path: { id } } })
      .then(({ data }) => setVersions(data ?? []));
    if (['in_appraisal', 'concluded', 'recognised', 'refused'].includes(dossier.status)) {
      void api
        .GET('/api/v1/appraisal/cases/{id}/outcome', { params: { path: { id } } })
        .then(({ data }) => setOutcome(data));
    }
    if (['recognised', 'refused'].includes(dossier.status)) {
      // An author lists the issued decisions on her own initiatives of the dossier's plan and
      // field; the list is brief (no items), so read each one to find the one naming it.
      void (async () => {
        const { data } = await api.GET('/api/v1/decision/decisions', {
          params: {
            query: { plan_id: dossier.plan_id, field: dossier.field, status: 'issued', limit: 100 },
          },
        });
        for (const d of data?.items ?? []) {
          const full = await api.GET('/api/v1/decision/decisions/{id}', {
            params: { path: { id: d.id } },
          });
          if (full.data?.items.some((i) => i.dossier_id === id)) {
            setDecision(full.data);
            return;
          }
        }
      })();
    }
  }, [id, dossier.status, dossier.plan_id, dossier.field]);

  const decisionDoc = async (d: Decision) => {
    const { data } = await api.GET('/api/v1/decision/decisions/{id}/document', {
      params: { path: { id: d.id } },
      parseAs: 'blob',
    });
    if (data) saveBlob(data as Blob, 'quyet-dinh.docx');
  };

  const download = async (attachment: string, name: string) => {
    const { data } = await api.GET('/api/v1/intake/dossiers/{id}/attachments/{attachment}', {
      params: { path: { id, attachment } },
      parseAs: 'blob',
    });
    if (data) saveBlob(data as Blob, name);
  };

  return (
    <Space direction="vertical" style={{ width: '100%', marginTop: 16 }}>
      {outcome && outcome.recommended != null && (
        <Alert
          type={outcome.recommended ? 'success' : 'warning'}
          showIcon
          message={`${L('Kết quả thẩm định', 'Appraisal outcome')}: ${outcome.recommended ? L('đề nghị công nhận', 'recommended') : L('không đề nghị công nhận', 'not recommended')}`}
          description={
            <Descriptions size="small" column={{ xs: 1, md: 3 }}>
              <Descriptions.Item label={L('Điểm trung bình', 'Average')}>
                {fmtPoints(outcome.average)}
              </Descriptions.Item>
              <Descriptions.Item label={L('Xếp loại', 'Grade')}>
                {outcome.grade ?? '—'}
              </Descriptions.Item>
              <Descriptions.Item label={L('Lý do', 'Reason')}>
                {outcome.reason ?? '—'}
              </Descriptions.Item>
            </Descriptions>
          }
        />
      )}
      {decision && (
        <Card
          size="small"
          title={`${L('Quyết định', 'Decision')} ${decision.number_text ?? ''} ${L('ngày', 'of')} ${fmtDate(decision.signed_on)}`}
          extra={
            <Button onClick={() => void decisionDoc(decision)}>
              {L('Tải quyết định (DOCX)', 'Download the decision (DOCX)')}
            </Button>
          }
        >
          <Certificates decisionId={decision.id} />
        </Card>
      )}
      {dossier.attachments.length > 0 && (
        <Card size="small" title={L('Tải tệp của hồ sơ', 'Download the files')}>
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
        </Card>
      )}
      <Collapse
        items={[
          {
            key: 'history',
            label: L('Lịch sử hồ sơ', 'History'),
            children: (
              <Timeline
                items={history.map((h) => ({
                  children: `${fmtDateTime(h.at)} — ${action(h.action)}${(h.details as { reason?: string } | null)?.reason ? `: ${(h.details as { reason: string }).reason}` : ''}`,
                }))}
              />
            ),
          },
          {
            key: 'versions',
            label: L('Các lần nộp', 'Submitted versions'),
            children: (
              <Table
                size="small"
                rowKey="number"
                pagination={false}
                dataSource={versions}
                columns={[
                  { title: L('Lần', 'No.'), dataIndex: 'number' },
                  {
                    title: L('Ngày nộp', 'Submitted'),
                    dataIndex: 'submitted_at',
                    render: (d: string) => fmtDateTime(d),
                  },
                  { title: L('Tên sáng kiến', 'Name'), render: (_, v) => v.form.name ?? '—' },
                  {
                    title: L('Tệp', 'Files'),
                    render: (_, v) => v.attachments.map((a) => a.name).join(', '),
                  },
                ]}
              />
            ),
          },
        ]}
      />
    </Space>
  );
}

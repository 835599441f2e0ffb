// A council member's own screen: the sittings of the panels she sits on, each with its
// dossiers (`GET /appraisal/my/sittings`), and each dossier readable with its files
// (`GET /intake/dossiers/{id}`: members of a sitting listing a dossier may read it, unless
// conflicted, which the service answers 403 `conflict_of_interest`).
import { useEffect, useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Empty,
  List,
  Space,
  Spin,
  Table,
  Tag,
  Typography,
} from 'antd';
import { Link, useParams } from 'react-router-dom';
import { api } from '../api/client';
import type { components } from '../api/schema';
import { failure, fmtDate, L, saveBlob } from '../util';
import { panelKind, roleLabel } from './Appraisal';

type MySitting = components['schemas']['MySitting'];
type Dossier = components['schemas']['DossierView'];

const sittingStatus = (s: string) =>
  s === 'held' ? (
    <Tag color="green">{L('Đã họp', 'Held')}</Tag>
  ) : (
    <Tag color="blue">{L('Đã lên lịch', 'Scheduled')}</Tag>
  );

/** The sittings I sit on, newest first, with the dossiers each discusses. */
export function MySittings() {
  const [items, setItems] = useState<MySitting[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    void api.GET('/api/v1/appraisal/my/sittings').then(({ data, error: e, response }) => {
      if (data) setItems(data);
      else {
        setItems([]);
        setError(failure(e, response.status));
      }
    });
  }, []);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={3}>{L('Phiên họp của tôi', 'My sittings')}</Typography.Title>
      {error && <Alert type="error" showIcon message={error} />}
      {!items && <Spin />}
      {items && items.length === 0 && !error && (
        <Empty description={L('Chưa có phiên họp nào', 'No sittings yet')} />
      )}
      {items?.map((m) => (
        <Card
          key={m.sitting.id}
          size="small"
          title={`${m.panel_name} — ${fmtDate(m.sitting.held_on)}`}
          extra={sittingStatus(m.sitting.status)}
        >
          <Descriptions size="small" column={{ xs: 1, md: 3 }}>
            <Descriptions.Item label={L('Vòng', 'Stage')}>
              {panelKind(m.sitting.kind)}
            </Descriptions.Item>
            <Descriptions.Item label={L('Địa điểm', 'Place')}>{m.sitting.place}</Descriptions.Item>
            <Descriptions.Item label={L('Vai trò của tôi', 'My role')}>
              {roleLabel(m.my_role)}
            </Descriptions.Item>
          </Descriptions>
          <Table
            size="small"
            rowKey="dossier_id"
            pagination={false}
            scroll={{ x: true }}
            dataSource={m.dossiers}
            locale={{ emptyText: L('Chưa có hồ sơ', 'No dossiers') }}
            columns={[
              { title: L('Số', 'No.'), dataIndex: 'register_number', width: 60 },
              {
                title: L('Tên sáng kiến', 'Initiative'),
                dataIndex: 'name',
                render: (n: string, d) => <Link to={`/read/${d.dossier_id}`}>{n}</Link>,
              },
            ]}
          />
        </Card>
      ))}
    </Space>
  );
}

/** A dossier read by someone who judges it: the request form, the authors, the files. */
export function DossierRead() {
  const { id = '' } = useParams();
  const [dossier, setDossier] = useState<Dossier | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    void api
      .GET('/api/v1/intake/dossiers/{id}', { params: { path: { id } } })
      .then(({ data, error: e, response }) => {
        if (data) setDossier(data);
        else setError(failure(e, response.status));
      });
  }, [id]);
  const download = async (attachment: string, name: string) => {
    const { data } = await api.GET('/api/v1/intake/dossiers/{id}/attachments/{attachment}', {
      params: { path: { id, attachment } },
      parseAs: 'blob',
    });
    if (data) saveBlob(data as Blob, name);
  };
  if (error) return <Alert type="error" showIcon message={error} />;
  if (!dossier) return <Spin />;
  const f = dossier.form;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={3}>{f.name}</Typography.Title>
      <Descriptions size="small" bordered column={1}>
        <Descriptions.Item label={L('Số đăng ký', 'Register number')}>
          {dossier.register_number ?? '—'}
        </Descriptions.Item>
        <Descriptions.Item label={L('Trạng thái', 'Status')}>
          {dossier.status_label}
        </Descriptions.Item>
        <Descriptions.Item label={L('Đơn vị', 'Unit')}>
          {dossier.unit_name ?? '—'}
        </Descriptions.Item>
        <Descriptions.Item label={L('Tác giả', 'Authors')}>
          {f.authors.map((a) => `${a.full_name} (${a.contribution_percent}%)`).join(', ')}
        </Descriptions.Item>
        <Descriptions.Item label={L('Lĩnh vực áp dụng', 'Application area')}>
          {f.application_area}
        </Descriptions.Item>
        <Descriptions.Item label={L('Mô tả bản chất', 'Essence')}>{f.essence}</Descriptions.Item>
        <Descriptions.Item label={L('Điều kiện áp dụng', 'Conditions')}>
          {f.conditions}
        </Descriptions.Item>
        <Descriptions.Item label={L('Nơi áp dụng và kết quả', 'Applied where')}>
          {f.applied_where}
        </Descriptions.Item>
        <Descriptions.Item label={L('Lợi ích', 'Benefits')}>
          {f.benefits_by_author}
        </Descriptions.Item>
        {f.confidential_info != null && (
          <Descriptions.Item label={L('Thông tin bảo mật', 'Confidential information')}>
            {f.confidential_info}
          </Descriptions.Item>
        )}
      </Descriptions>
      <Card size="small" title={L('Tệp đính kèm', 'Attachments')}>
        <List
          size="small"
          dataSource={dossier.attachments}
          locale={{ emptyText: L('Không có tệp', 'No files') }}
          renderItem={(a) => (
            <List.Item>
              <Button type="link" onClick={() => void download(a.id, a.name)}>
                {a.name}
              </Button>
            </List.Item>
          )}
        />
      </Card>
    </Space>
  );
}

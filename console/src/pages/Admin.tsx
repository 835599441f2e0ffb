// The tenant admin: units as a tree (and a new unit), people and their roles (a new person,
// another role, deactivating), the body's profile (edited), rubrics, plans with their fields,
// windows and stages, and publishing a draft plan.
import { useCallback, useEffect, useState } from 'react';
import {
  App,
  Button,
  Card,
  Descriptions,
  List,
  Space,
  Table,
  Tabs,
  Tag,
  Tree,
  Typography,
} from 'antd';
import type { DataNode } from 'antd/es/tree';
import { api } from '../api/client';
import type { components } from '../api/schema';
import { failure, fmtDate, fmtPoints, ifMatch, L } from '../util';
import { panelKind } from './Appraisal';
import {
  PersonActions,
  PersonForm,
  ProfileForm,
  UnitForm,
  systemRoleLabel,
  unitKindLabel,
} from './AdminForms';

type Unit = components['schemas']['UnitView'];
type User = components['schemas']['UserView'];
type Plan = components['schemas']['PlanView'];
type RubricView = components['schemas']['RubricView'];
type Profile = components['schemas']['ProfileView'];

function tree(units: Unit[], parent: string | null): DataNode[] {
  return units
    .filter((u) => (u.parent_id ?? null) === parent)
    .map((u) => ({
      key: u.id,
      title: `${u.name} (${u.code}) — ${unitKindLabel(u.kind)}`,
      children: tree(units, u.id),
    }));
}

/** The admin's tabs. */
export function Admin() {
  const { message } = App.useApp();
  const [units, setUnits] = useState<Unit[]>([]);
  const [users, setUsers] = useState<User[]>([]);
  const [plans, setPlans] = useState<Plan[]>([]);
  const [rubrics, setRubrics] = useState<RubricView[]>([]);
  const [profile, setProfile] = useState<Profile | undefined>();

  const load = useCallback(async () => {
    const [u, p, pl, r, bp] = await Promise.all([
      api.GET('/api/v1/directory/units', { params: { query: { limit: 100 } } }),
      api.GET('/api/v1/directory/users', { params: { query: { limit: 100 } } }),
      api.GET('/api/v1/intake/plans', { params: { query: { limit: 100 } } }),
      api.GET('/api/v1/appraisal/rubrics'),
      api.GET('/api/v1/decision/body-profile'),
    ]);
    setUnits(u.data?.items ?? []);
    setUsers(p.data?.items ?? []);
    setPlans(pl.data?.items ?? []);
    setRubrics(r.data ?? []);
    setProfile(bp.data);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const unitName = (id: string) => units.find((u) => u.id === id)?.name ?? id;
  const publish = async (p: Plan) => {
    const { data, error, response } = await api.POST('/api/v1/intake/plans/{id}/publish', {
      params: { path: { id: p.id }, header: { 'If-Match': ifMatch(p.version) } },
    });
    if (data) void message.success(L('Đã ban hành kế hoạch', 'Plan published'));
    else void message.error(failure(error, response.status));
    void load();
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={3}>{L('Quản trị', 'Administration')}</Typography.Title>
      <Tabs
        items={[
          {
            key: 'units',
            label: L('Đơn vị', 'Units'),
            children: (
              <>
                <UnitForm units={units} onDone={() => void load()} />
                <Tree defaultExpandAll treeData={tree(units, null)} key={units.length} />
              </>
            ),
          },
          {
            key: 'users',
            label: L('Người dùng và vai trò', 'People and roles'),
            children: (
              <>
                <PersonForm units={units} onDone={() => void load()} />
                <Table
                  size="small"
                  rowKey="id"
                  dataSource={users}
                  columns={[
                    { title: L('Tên đăng nhập', 'User name'), dataIndex: 'username' },
                    { title: L('Họ và tên', 'Full name'), dataIndex: 'full_name' },
                    {
                      title: L('Vai trò', 'Roles'),
                      render: (_, u) => (
                        <Space wrap>
                          {u.grants.map((g) => (
                            <Tag key={g.id}>
                              {systemRoleLabel(g.role)} — {unitName(g.unit_id)}
                            </Tag>
                          ))}
                        </Space>
                      ),
                    },
                    {
                      title: L('Hoạt động', 'Active'),
                      dataIndex: 'active',
                      render: (a: boolean) => (a ? L('Có', 'Yes') : L('Không', 'No')),
                    },
                    {
                      title: '',
                      render: (_, u) => (
                        <PersonActions user={u} units={units} onDone={() => void load()} />
                      ),
                    },
                  ]}
                />
              </>
            ),
          },
          {
            key: 'profile',
            label: L('Thông tin cơ quan', 'Body profile'),
            children: profile && (
              <Space direction="vertical" style={{ width: '100%' }}>
                <ProfileForm key={profile.version} profile={profile} onDone={() => void load()} />
                <Descriptions size="small" bordered column={1}>
                  <Descriptions.Item label={L('Người ký', 'Signers')}>
                    <List
                      size="small"
                      dataSource={profile.profile.signers}
                      renderItem={(s) => (
                        <List.Item>
                          {s.name} — {s.titles.join(', ')}
                        </List.Item>
                      )}
                    />
                  </Descriptions.Item>
                </Descriptions>
              </Space>
            ),
          },
          {
            key: 'rubrics',
            label: L('Tiêu chí chấm', 'Rubrics'),
            children: (
              <List
                dataSource={rubrics}
                renderItem={(r) => (
                  <Card
                    size="small"
                    style={{ marginBottom: 8 }}
                    title={`${r.rubric.name} (${r.rubric.code}, v${r.version})`}
                  >
                    {L('Tổng', 'Max')} {fmtPoints(r.rubric.max)}, {L('đạt từ', 'passes from')}{' '}
                    {fmtPoints(r.rubric.pass_total)}:{' '}
                    {r.rubric.criteria.map((c) => `${c.name} (${fmtPoints(c.max)})`).join('; ')}
                  </Card>
                )}
              />
            ),
          },
          {
            key: 'plans',
            label: L('Kế hoạch', 'Plans'),
            children: (
              <List
                dataSource={plans}
                renderItem={(p) => (
                  <Card
                    size="small"
                    style={{ marginBottom: 8 }}
                    title={`${p.symbol} — ${p.title}`}
                    extra={
                      p.status === 'published' ? (
                        <Tag color="green">
                          {L('Đã ban hành', 'Published')} {fmtDate(p.published_at)}
                        </Tag>
                      ) : (
                        <Button type="primary" onClick={() => void publish(p)}>
                          {L('Ban hành', 'Publish')}
                        </Button>
                      )
                    }
                  >
                    <Table
                      size="small"
                      rowKey="code"
                      pagination={false}
                      dataSource={p.fields}
                      columns={[
                        { title: L('Lĩnh vực', 'Field'), dataIndex: 'name' },
                        {
                          title: L('Nhận hồ sơ', 'Receiving'),
                          render: (_, f) => `${fmtDate(f.receive.from)} – ${fmtDate(f.receive.to)}`,
                        },
                        {
                          title: L('Cơ quan tiếp nhận', 'Receiving office'),
                          render: (_, f) => unitName(f.receiving_unit_id),
                        },
                        {
                          title: L('Các vòng', 'Stages'),
                          render: (_, f) =>
                            f.stages
                              .map(
                                (s) =>
                                  `${panelKind(s.kind)} (${s.rubric}): ${fmtDate(s.window.from)} – ${fmtDate(s.window.to)}`,
                              )
                              .join('; '),
                        },
                      ]}
                    />
                  </Card>
                )}
              />
            ),
          },
        ]}
      />
    </Space>
  );
}

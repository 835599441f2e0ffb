// The tenant admin's editing forms: a new unit, a new person with a role, another role for a
// person, deactivating or reactivating a person, and the body's profile as its papers print it.
// Every problem the API answers is shown under the field it names, in the person's language.
import { useState } from 'react';
import { App, Button, Form, Input, Modal, Select, Space, Typography } from 'antd';
import type { FormInstance } from 'antd';
import { api } from '../api/client';
import type { components } from '../api/schema';
import { fieldProblems, problemText, type Problem } from '../api/problem';
import { failure, ifMatch, L } from '../util';

type Unit = components['schemas']['UnitView'];
type User = components['schemas']['UserView'];
type Role = components['schemas']['Role'];
type Profile = components['schemas']['ProfileView'];
type UnitKind = components['schemas']['UnitKind'];

/** A system role as people read it. */
export function systemRoleLabel(role: string): string {
  const labels: Record<string, [string, string]> = {
    author: ['Tác giả', 'Author'],
    unit_head: ['Thủ trưởng đơn vị', 'Unit head'],
    receiving_office: ['Cơ quan tiếp nhận', 'Receiving office'],
    council_secretariat: ['Thường trực Hội đồng', 'Council secretariat'],
    reviewer: ['Thành viên thẩm định', 'Reviewer'],
    council_chair: ['Chủ tịch Hội đồng', 'Council chair'],
    signer: ['Người ký quyết định', 'Signer'],
    finance_office: ['Cơ quan tài chính', 'Finance office'],
    province: ['Tỉnh', 'Province'],
    admin: ['Quản trị', 'Administrator'],
  };
  const l = labels[role];
  return l ? L(l[0], l[1]) : role;
}

const ROLES: Role[] = [
  'author',
  'unit_head',
  'receiving_office',
  'council_secretariat',
  'reviewer',
  'council_chair',
  'signer',
  'finance_office',
  'admin',
];

/** A unit kind as people read it. */
export function unitKindLabel(kind: string): string {
  const labels: Record<string, [string, string]> = {
    body: ['Cơ quan xét công nhận', 'Recognising body'],
    office: ['Phòng, ban', 'Office'],
    school: ['Trường học', 'School'],
    commune: ['Xã, phường', 'Commune'],
    council: ['Hội đồng', 'Council'],
    enterprise: ['Doanh nghiệp, hợp tác xã', 'Enterprise or cooperative'],
    other: ['Khác', 'Other'],
  };
  const l = labels[kind];
  return l ? L(l[0], l[1]) : kind;
}

const KINDS: UnitKind[] = ['body', 'office', 'school', 'commune', 'council', 'enterprise', 'other'];

/** Shows a problem under the fields it names (a grant's `grants[0].role` under the form's
 * role) and as a message. */
function showProblem(
  form: FormInstance,
  error: unknown,
  status: number,
  message: { error: (text: string) => unknown },
): void {
  const problem = error as Problem | undefined;
  const fields = fieldProblems(problem).map((f) =>
    f.name[0] === 'grants' ? { ...f, name: f.name.slice(2) } : f,
  );
  form.setFields(fields.map((f) => ({ name: f.name, errors: [f.message] })));
  void message.error(
    problem ? problemText(problem, failure(error, status)) : failure(error, status),
  );
}

const unitOptions = (units: Unit[]) =>
  units.map((u) => ({ value: u.id, label: `${u.name} (${u.code})` }));

/** The form adding a unit under another one (or as a root). */
export function UnitForm({ units, onDone }: { units: Unit[]; onDone: () => void }) {
  const [form] = Form.useForm();
  const { message } = App.useApp();
  const onFinish = async (v: {
    name: string;
    code: string;
    kind: UnitKind;
    parent_id?: string;
  }) => {
    const { data, error, response } = await api.POST('/api/v1/directory/units', {
      body: { name: v.name, code: v.code, kind: v.kind, parent_id: v.parent_id ?? null },
    });
    if (data) {
      void message.success(L(`Đã thêm đơn vị ${data.name}`, `Unit ${data.name} added`));
      form.resetFields();
      onDone();
    } else showProblem(form, error, response.status, message);
  };
  return (
    <Form
      form={form}
      layout="inline"
      aria-label={L('Thêm đơn vị', 'Add a unit')}
      onFinish={(v) => void onFinish(v)}
      style={{ marginBottom: 12, rowGap: 8 }}
    >
      <Form.Item name="name" label={L('Tên đơn vị', 'Name')} rules={[{ required: true }]}>
        <Input style={{ width: 240 }} />
      </Form.Item>
      <Form.Item name="code" label={L('Mã', 'Code')} rules={[{ required: true }]}>
        <Input style={{ width: 120 }} placeholder="phong-gd" />
      </Form.Item>
      <Form.Item name="kind" label={L('Loại', 'Kind')} rules={[{ required: true }]}>
        <Select
          style={{ width: 220 }}
          options={KINDS.map((k) => ({ value: k, label: unitKindLabel(k) }))}
        />
      </Form.Item>
      <Form.Item name="parent_id" label={L('Trực thuộc', 'Under')}>
        <Select
          style={{ width: 260 }}
          allowClear
          showSearch
          optionFilterProp="label"
          options={unitOptions(units)}
        />
      </Form.Item>
      <Button type="primary" htmlType="submit">
        {L('Thêm đơn vị', 'Add unit')}
      </Button>
    </Form>
  );
}

/** The form adding a person with a first role; a generated password is shown once. */
export function PersonForm({ units, onDone }: { units: Unit[]; onDone: () => void }) {
  const [form] = Form.useForm();
  const { message, modal } = App.useApp();
  const onFinish = async (v: {
    username: string;
    full_name: string;
    email?: string;
    role: Role;
    unit_id: string;
  }) => {
    const { data, error, response } = await api.POST('/api/v1/directory/users', {
      body: {
        username: v.username,
        full_name: v.full_name,
        email: v.email || null,
        grants: [{ role: v.role, unit_id: v.unit_id }],
      },
    });
    if (data) {
      form.resetFields();
      onDone();
      const generated = data.generated_secret;
      modal.info({
        title: L(`Đã thêm ${data.full_name}`, `${data.full_name} added`),
        content: generated ? (
          <Space direction="vertical">
            {L(
              'Mật khẩu ban đầu (chỉ hiện một lần; hãy trao tận tay):',
              'First password (shown once; hand it over in person):',
            )}
            <Typography.Text code copyable>
              {generated}
            </Typography.Text>
          </Space>
        ) : null,
      });
    } else showProblem(form, error, response.status, message);
  };
  return (
    <Form
      form={form}
      layout="inline"
      aria-label={L('Thêm người dùng', 'Add a person')}
      onFinish={(v) => void onFinish(v)}
      style={{ marginBottom: 12, rowGap: 8 }}
    >
      <Form.Item
        name="username"
        label={L('Tên đăng nhập', 'User name')}
        rules={[{ required: true }]}
      >
        <Input style={{ width: 150 }} autoComplete="off" />
      </Form.Item>
      <Form.Item name="full_name" label={L('Họ và tên', 'Full name')} rules={[{ required: true }]}>
        <Input style={{ width: 200 }} />
      </Form.Item>
      <Form.Item name="email" label="E-mail">
        <Input style={{ width: 180 }} type="email" />
      </Form.Item>
      <Form.Item name="role" label={L('Vai trò', 'Role')} rules={[{ required: true }]}>
        <Select
          style={{ width: 200 }}
          options={ROLES.map((r) => ({ value: r, label: systemRoleLabel(r) }))}
        />
      </Form.Item>
      <Form.Item name="unit_id" label={L('Tại đơn vị', 'At unit')} rules={[{ required: true }]}>
        <Select
          style={{ width: 240 }}
          showSearch
          optionFilterProp="label"
          options={unitOptions(units)}
        />
      </Form.Item>
      <Button type="primary" htmlType="submit">
        {L('Thêm người dùng', 'Add person')}
      </Button>
    </Form>
  );
}

/** A person's actions: another role on a unit, and deactivating or reactivating them. */
export function PersonActions({
  user,
  units,
  onDone,
}: {
  user: User;
  units: Unit[];
  onDone: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const { message } = App.useApp();
  const grant = async (v: { role: Role; unit_id: string }) => {
    const { data, error, response } = await api.POST('/api/v1/directory/users/{id}/grants', {
      params: { path: { id: user.id } },
      body: v,
    });
    if (data) {
      void message.success(L('Đã thêm vai trò', 'Role added'));
      setOpen(false);
      form.resetFields();
      onDone();
    } else showProblem(form, error, response.status, message);
  };
  const toggle = async () => {
    const { data, error, response } = await api.PATCH('/api/v1/directory/users/{id}', {
      params: { path: { id: user.id }, header: { 'If-Match': ifMatch(user.version) } },
      body: { active: !user.active },
    });
    if (data)
      void message.success(
        user.active
          ? L('Đã ngừng tài khoản; mọi phiên đã kết thúc', 'Deactivated; every session ended')
          : L('Đã kích hoạt lại', 'Reactivated'),
      );
    else void message.error(failure(error, response.status));
    onDone();
  };
  return (
    <Space>
      <Button size="small" onClick={() => setOpen(true)}>
        {L('Thêm vai trò', 'Add role')}
      </Button>
      <Button size="small" danger={user.active} onClick={() => void toggle()}>
        {user.active ? L('Ngừng hoạt động', 'Deactivate') : L('Kích hoạt', 'Reactivate')}
      </Button>
      <Modal
        open={open}
        title={L(`Thêm vai trò cho ${user.full_name}`, `Add a role for ${user.full_name}`)}
        okText={L('Thêm', 'Add')}
        cancelText={L('Huỷ', 'Cancel')}
        onOk={() => form.submit()}
        onCancel={() => setOpen(false)}
      >
        <Form form={form} layout="vertical" onFinish={(v) => void grant(v)}>
          <Form.Item name="role" label={L('Vai trò', 'Role')} rules={[{ required: true }]}>
            <Select options={ROLES.map((r) => ({ value: r, label: systemRoleLabel(r) }))} />
          </Form.Item>
          <Form.Item name="unit_id" label={L('Tại đơn vị', 'At unit')} rules={[{ required: true }]}>
            <Select showSearch optionFilterProp="label" options={unitOptions(units)} />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}

/** The body's profile as its papers print it: names, place, symbols and the last line. */
export function ProfileForm({ profile, onDone }: { profile: Profile; onDone: () => void }) {
  const [form] = Form.useForm();
  const { message } = App.useApp();
  const p = profile.profile;
  const onFinish = async (v: {
    superior_name: string;
    full_name: string;
    place_name: string;
    document_symbol: string;
    decision_type: string;
    archive_line: string;
    legal_bases: string;
  }) => {
    const { data, error, response } = await api.PUT('/api/v1/decision/body-profile', {
      params: { header: { 'If-Match': ifMatch(profile.version) } },
      body: {
        ...p,
        superior_name: v.superior_name,
        full_name: v.full_name,
        place_name: v.place_name,
        document_symbol: v.document_symbol,
        decision_type: v.decision_type,
        archive_line: v.archive_line,
        legal_bases: v.legal_bases
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l.length > 0),
      },
    });
    if (data) {
      void message.success(L('Đã lưu thông tin cơ quan', 'Body profile saved'));
      onDone();
    } else showProblem(form, error, response.status, message);
  };
  return (
    <Form
      form={form}
      layout="vertical"
      style={{ maxWidth: 720 }}
      aria-label={L('Thông tin cơ quan', 'Body profile')}
      initialValues={{ ...p, legal_bases: p.legal_bases.join('\n') }}
      onFinish={(v) => void onFinish(v)}
    >
      <Form.Item name="superior_name" label={L('Cơ quan cấp trên', 'Superior body')}>
        <Input />
      </Form.Item>
      <Form.Item name="full_name" label={L('Tên cơ quan', 'Name')} rules={[{ required: true }]}>
        <Input />
      </Form.Item>
      <Form.Item name="place_name" label={L('Địa danh', 'Place')} rules={[{ required: true }]}>
        <Input />
      </Form.Item>
      <Space>
        <Form.Item name="decision_type" label={L('Loại văn bản', 'Document type')}>
          <Input style={{ width: 120 }} />
        </Form.Item>
        <Form.Item name="document_symbol" label={L('Ký hiệu', 'Symbol')}>
          <Input style={{ width: 160 }} />
        </Form.Item>
      </Space>
      <Form.Item
        name="legal_bases"
        label={L('Căn cứ pháp lý (mỗi dòng một căn cứ)', 'Legal bases (one per line)')}
      >
        <Input.TextArea autoSize={{ minRows: 3 }} />
      </Form.Item>
      <Form.Item name="archive_line" label={L('Dòng lưu', 'Archive line')}>
        <Input />
      </Form.Item>
      <Button type="primary" htmlType="submit">
        {L('Lưu thông tin cơ quan', 'Save the profile')}
      </Button>
    </Form>
  );
}

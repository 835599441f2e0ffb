// Change one's own password; the API answers new tokens, which replace the session's.
import { Button, Card, Form, Input, App } from 'antd';
import { api } from '../api/client';
import { fieldProblems, problemText, type Problem } from '../api/problem';
import { session } from '../session/store';
import { texts } from '../i18n';

/** The change-password form. */
export function ChangePassword() {
  const t = texts();
  const [form] = Form.useForm();
  const { message } = App.useApp();
  const onFinish = async (body: { current_password: string; new_password: string }) => {
    const { data, error } = await api.POST('/api/v1/auth/password', { body });
    if (data) {
      session.start(data);
      form.resetFields();
      void message.success(t.passwordChanged);
    } else {
      const problem = error as Problem;
      form.setFields(fieldProblems(problem).map((f) => ({ name: f.name, errors: [f.message] })));
      void message.error(problemText(problem, t.error));
    }
  };
  return (
    <Card title={t.changePassword} style={{ maxWidth: 480 }}>
      <Form form={form} layout="vertical" onFinish={(v) => void onFinish(v)}>
        <Form.Item name="current_password" label={t.currentPassword} rules={[{ required: true }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item name="new_password" label={t.newPassword} rules={[{ required: true, min: 10 }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t.changePassword}
        </Button>
      </Form>
    </Card>
  );
}

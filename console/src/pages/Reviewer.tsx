// The reviewer's start: the public API does not yet list a reviewer's own assignments
// (`GET /appraisal/my/assignments` is being added), so a case opens from the link or the
// dossier's id the organiser gives; the score sheet is on the case's page.
import { useState } from 'react';
import { Alert, Button, Input, Space, Typography } from 'antd';
import { useNavigate } from 'react-router-dom';
import { L } from '../util';

/** Opens a case's score sheet by the dossier's id. */
export function ReviewerHome() {
  const navigate = useNavigate();
  const [id, setId] = useState('');
  const valid = /^[0-9a-f-]{36}$/i.test(id.trim());
  return (
    <Space direction="vertical" style={{ width: '100%', maxWidth: 560 }}>
      <Typography.Title level={3}>
        {L('Chấm điểm sáng kiến', 'Scoring initiatives')}
      </Typography.Title>
      <Alert
        type="info"
        showIcon
        message={L(
          'Mở phiếu chấm từ đường dẫn được gửi, hoặc nhập mã hồ sơ được phân công.',
          'Open the score sheet from the link you were sent, or enter the id of the dossier assigned to you.',
        )}
      />
      <label htmlFor="case-id">{L('Mã hồ sơ', 'Dossier id')}</label>
      <Space.Compact style={{ width: '100%' }}>
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

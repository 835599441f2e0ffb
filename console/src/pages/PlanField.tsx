// The plan and field a screen works on: every organiser's screen starts from them.
import { useEffect, useState } from 'react';
import { Select, Space } from 'antd';
import { api } from '../api/client';
import type { components } from '../api/schema';
import { L } from '../util';

/** A plan as listed. */
export type Plan = components['schemas']['PlanView'];

/** The chosen plan and field, and the two labelled selects that choose them. */
export function usePlanField(withField = true) {
  const [plans, setPlans] = useState<Plan[]>([]);
  const [planId, setPlanId] = useState<string | undefined>();
  const [field, setField] = useState<string | undefined>();
  useEffect(() => {
    void api.GET('/api/v1/intake/plans', { params: { query: { limit: 100 } } }).then(({ data }) => {
      const items = data?.items ?? [];
      setPlans(items);
      const first = items.find((p) => p.status === 'published') ?? items[0];
      if (first) {
        setPlanId(first.id);
        setField(first.fields[0]?.code);
      }
    });
  }, []);
  const plan = plans.find((p) => p.id === planId);
  const picker = (
    <Space wrap>
      <label htmlFor="pick-plan">{L('Kế hoạch', 'Plan')}</label>
      <Select
        id="pick-plan"
        style={{ width: 300 }}
        value={planId}
        onChange={(v: string) => {
          setPlanId(v);
          setField(plans.find((p) => p.id === v)?.fields[0]?.code);
        }}
        options={plans.map((p) => ({ value: p.id, label: `${p.symbol} — ${p.title}` }))}
      />
      {withField && (
        <>
          <label htmlFor="pick-field">{L('Lĩnh vực', 'Field')}</label>
          <Select
            id="pick-field"
            style={{ width: 260 }}
            value={field}
            onChange={(v: string) => setField(v)}
            options={(plan?.fields ?? []).map((f) => ({ value: f.code, label: f.name }))}
          />
        </>
      )}
    </Space>
  );
  return { plan, planId, field, picker };
}

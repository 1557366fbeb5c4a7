import type { AuditRecordedV1, EventEnvelope } from '@lazaret/contracts';
import type { Logger } from '@lazaret/platform';
import type { EntityManager } from 'typeorm';
import type { DetectionStateRepository } from '../adapters/detection-state.repository';
import { lockKeyOf, type DetectionEngine, type Observation } from '../domain/detection-engine';
import { imageFacts } from '../domain/image-repository';
import type { AlertService } from './alert.service';

type AuditEnvelope = EventEnvelope<typeof AuditRecordedV1>;

/** Runs the detection rules over a batch of audit records, inside the consumer's transaction. */
export class DetectionService {
  constructor(
    private readonly engine: DetectionEngine,
    private readonly state: DetectionStateRepository,
    private readonly alerts: AlertService,
    private readonly logger: Logger,
  ) {}

  async handleBatch(envelopes: AuditEnvelope[], tx: EntityManager): Promise<{ raised: number; folded: number }> {
    // Our own records (alert.raise) are about detections, not access: never feed them back.
    const records = envelopes.filter((e) => e.data.service !== 'correlation');
    const facts = records.map((e) => imageFacts(e.data));

    // Learn digest → repository first, so a read in the same batch as its scan resolves.
    const pairs = records.flatMap((e, i) => (e.data.outcome === 'success' ? facts[i]!.pairs : []));
    await this.state.learnImages(tx, pairs, new Date());
    const digests = [...new Set(facts.flatMap((f) => f.digests))];
    const known = await this.state.repositoriesOf(tx, digests);

    const observations: Observation[] = records.map((e, i) => ({
      id: e.id,
      tenant: e.tenant,
      occurredAt: new Date(e.occurredAt),
      record: e.data,
      repositories: [...new Set([...facts[i]!.repositories, ...facts[i]!.digests.flatMap((d) => known.get(d) ?? [])])],
    }));
    const candidates = observations.flatMap((o) => this.engine.candidates(o));
    if (candidates.length === 0) return { raised: 0, folded: 0 };

    await this.state.lock(tx, candidates.map(lockKeyOf));
    const state = this.state.in(tx);
    let raised = 0;
    let folded = 0;
    for (const c of candidates) {
      const detection = await this.engine.evaluate(c, state);
      if (!detection) continue;
      const result = await this.alerts.raiseOrFold(tx, detection);
      if (result.raised) {
        raised++;
        this.logger.info({ alertId: result.alertId, ruleId: detection.ruleId, severity: detection.severity, subject: detection.subjectKey }, 'alert raised');
      } else folded++;
    }
    return { raised, folded };
  }
}

import { DATA_SOURCE } from '@lazaret/platform';
import { Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AuditRecordRepository } from './adapters/audit-record.repository';
import { AuditLogService } from './application/audit-log.service';
import { AuditRecordsConsumer } from './handlers/audit-records.consumer';
import { AuditRequestsHandler } from './handlers/audit-requests.handler';

@Module({
  controllers: [AuditRequestsHandler],
  providers: [
    { provide: AuditRecordRepository, useFactory: (db: DataSource) => new AuditRecordRepository(db), inject: [DATA_SOURCE] },
    { provide: AuditLogService, useFactory: (repo: AuditRecordRepository) => new AuditLogService(repo), inject: [AuditRecordRepository] },
    AuditRecordsConsumer,
  ],
})
export class AuditModule {}

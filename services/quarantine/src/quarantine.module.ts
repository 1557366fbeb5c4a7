import { Module } from '@nestjs/common';

/**
 * The quarantine bounded context. This release runs the platform parts only (its schema, its NATS
 * identity, health, metrics); its domain arrives with its own issue (see docs/architecture.md).
 */
@Module({})
export class QuarantineModule {}

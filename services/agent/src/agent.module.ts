import { Module } from '@nestjs/common';

/**
 * The host agent. This release connects with its own NATS identity and serves health and
 * metrics; host inventory, runtime events and commands arrive with the runtime issues.
 */
@Module({})
export class AgentModule {}

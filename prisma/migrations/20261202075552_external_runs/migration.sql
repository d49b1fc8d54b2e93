-- AlterEnum
ALTER TYPE "RunStatus" ADD VALUE 'CRASHED';

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "environment" JSONB,
ADD COLUMN     "external" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "heartbeatAt" TIMESTAMP(3),
ADD COLUMN     "totalSteps" INTEGER;

-- CreateIndex
CREATE INDEX "Run_external_status_heartbeatAt_idx" ON "Run"("external", "status", "heartbeatAt");

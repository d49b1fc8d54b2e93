-- CreateEnum
CREATE TYPE "SweepStatus" AS ENUM ('RUNNING', 'PAUSED', 'CANCELLED', 'COMPLETED');

-- AlterEnum
ALTER TYPE "RunStatus" ADD VALUE 'PAUSED';

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "bracket" INTEGER,
ADD COLUMN     "pauseAtEnd" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "rung" INTEGER,
ADD COLUMN     "sweepId" TEXT,
ADD COLUMN     "trialNumber" INTEGER;

-- CreateTable
CREATE TABLE "Sweep" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "createdById" TEXT,
    "name" TEXT NOT NULL,
    "status" "SweepStatus" NOT NULL DEFAULT 'RUNNING',
    "definition" JSONB NOT NULL,
    "sourceRunId" TEXT,
    "trialsCreated" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Sweep_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SweepResult" (
    "sweepId" TEXT NOT NULL,
    "trialNumber" INTEGER NOT NULL,
    "rung" INTEGER NOT NULL,
    "value" DOUBLE PRECISION,
    "stepsSpent" INTEGER NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SweepResult_pkey" PRIMARY KEY ("sweepId","trialNumber","rung")
);

-- CreateIndex
CREATE INDEX "Sweep_projectId_createdAt_idx" ON "Sweep"("projectId", "createdAt");

-- CreateIndex
CREATE INDEX "Sweep_status_idx" ON "Sweep"("status");

-- CreateIndex
CREATE UNIQUE INDEX "Run_sweepId_trialNumber_key" ON "Run"("sweepId", "trialNumber");

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_sweepId_fkey" FOREIGN KEY ("sweepId") REFERENCES "Sweep"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Sweep" ADD CONSTRAINT "Sweep_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Sweep" ADD CONSTRAINT "Sweep_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SweepResult" ADD CONSTRAINT "SweepResult_sweepId_fkey" FOREIGN KEY ("sweepId") REFERENCES "Sweep"("id") ON DELETE CASCADE ON UPDATE CASCADE;

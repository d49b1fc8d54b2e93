-- Artifact bytes move to the artifact store (filesystem or S3); the row keeps metadata and the store key.
-- Existing rows keep their bytes in "content" with storage = 'db' until the worker's start-up migration
-- moves them (ArtifactRepository.migrateLegacyContent), so no checkpoint is lost or unreadable in between.
-- AlterTable
ALTER TABLE "Artifact" ADD COLUMN     "storage" TEXT NOT NULL DEFAULT 'db',
ADD COLUMN     "storeKey" TEXT,
ALTER COLUMN "content" DROP NOT NULL;

-- CreateIndex
CREATE INDEX "Artifact_storage_storeKey_idx" ON "Artifact"("storage", "storeKey");

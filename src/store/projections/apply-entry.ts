import type {
  BindingGranted,
  BindingRevoked,
  ElevationApproved,
  ElevationDenied,
  ElevationRequested,
  GroupMembership,
  PolicyRemoved,
  PolicySet,
  SecurityEventRecorded,
  TokenCreated,
  TokenRevoked,
  TokenRotated,
} from '../../access/entry-payloads.js';
import type {
  ExtensionSchemaSet,
  ModelCreated,
  ModelUpdated,
  NamespaceCreated,
  VersionPublished,
  VersionUpdated,
} from '../../catalog/entry-payloads.js';
import type { LedgerEntry } from '../../ledger/entry.js';
import type { Db } from '../database.js';
import type { StoreDialect } from '../dialect.js';
import { projectExtensionSchemaSet, projectNamespaceCreated } from './project-namespace.js';
import { projectModelCreated, projectModelUpdated } from './project-model.js';
import { projectTokenCreated, projectTokenRevoked, projectTokenRotated } from './project-token.js';
import {
  projectBindingGranted,
  projectBindingRevoked,
  projectElevationApproved,
  projectElevationDenied,
  projectElevationRequested,
  projectMemberAdded,
  projectMemberRemoved,
  projectPolicyRemoved,
  projectPolicySet,
  projectSecurityEvent,
} from './project-access.js';
import * as g from './project-governance.js';
import type * as gp from '../../governance/entry-payloads.js';
import { projectVersionPublished, projectVersionRegistered, projectVersionUpdated } from './project-version.js';
import type { VersionMetadata } from '../../catalog/schemas.js';
import type { LineageEdgeChanged, LineageNodeRecorded } from '../../lineage/entry-payloads.js';
import type * as rp from '../../risk/entry-payloads.js';
import type * as ap from '../../alerts/entry-payloads.js';
import type { AdvisoryImported, LibraryDeprecated } from '../../vulnerabilities/entry-payloads.js';
import { projectDeploymentEdge, projectEdgeAdded, projectEdgeRemoved, projectNodeRecorded, projectVersionEdges } from './project-lineage.js';
import { projectAdvisoryImported, projectLibraryDeprecated } from './project-vulnerabilities.js';
import * as r from './project-risk.js';

/**
 * Brings the query tables in step with one entry. This is the only code that
 * writes them, and it reads nothing but the entry and the tables themselves,
 * so replaying the ledger into empty tables rebuilds them exactly.
 */
export async function applyEntry(tx: Db, dialect: StoreDialect, entry: LedgerEntry): Promise<void> {
  const payload: unknown = entry.payload;
  switch (entry.action) {
    case 'namespace.created':
      return projectNamespaceCreated(tx, entry, payload as NamespaceCreated);
    case 'namespace.schema_set':
      return projectExtensionSchemaSet(tx, entry, payload as ExtensionSchemaSet);
    case 'model.created':
      return projectModelCreated(tx, dialect, entry, payload as ModelCreated);
    case 'model.updated':
      return projectModelUpdated(tx, dialect, entry, payload as ModelUpdated);
    case 'version.registered': {
      await projectVersionRegistered(tx, entry);
      const p = payload as VersionUpdated;
      return projectVersionEdges(tx, entry, p, p.metadata);
    }
    case 'version.updated':
      await projectVersionUpdated(tx, entry, payload as VersionUpdated);
      return projectVersionEdges(tx, entry, payload as VersionUpdated, (payload as VersionUpdated).metadata);
    case 'version.published':
      return projectVersionPublished(tx, entry, payload as VersionPublished);
    case 'token.created':
      return projectTokenCreated(tx, entry, payload as TokenCreated);
    case 'token.revoked':
      return projectTokenRevoked(tx, entry, payload as TokenRevoked);
    case 'token.rotated':
      return projectTokenRotated(tx, entry, payload as TokenRotated);
    case 'binding.granted':
      return projectBindingGranted(tx, entry, payload as BindingGranted);
    case 'binding.revoked':
      return projectBindingRevoked(tx, payload as BindingRevoked);
    case 'group.member_added':
      return projectMemberAdded(tx, entry, payload as GroupMembership);
    case 'group.member_removed':
      return projectMemberRemoved(tx, payload as GroupMembership);
    case 'policy.set':
      return projectPolicySet(tx, entry, payload as PolicySet);
    case 'policy.removed':
      return projectPolicyRemoved(tx, payload as PolicyRemoved);
    case 'elevation.requested':
      return projectElevationRequested(tx, entry, payload as ElevationRequested);
    case 'elevation.approved':
      return projectElevationApproved(tx, entry, payload as ElevationApproved);
    case 'elevation.denied':
      return projectElevationDenied(tx, entry, payload as ElevationDenied);
    case 'security.event_recorded':
      return projectSecurityEvent(tx, entry, payload as SecurityEventRecorded);
    case 'attestation.recorded':
      return g.projectAttestation(tx, entry, payload as gp.AttestationRecorded);
    case 'gate_policy.set':
      return g.projectGatePolicySet(tx, entry, payload as gp.GatePolicySet);
    case 'gate_policy.removed':
      return g.projectGatePolicyRemoved(tx, payload as gp.GatePolicyRemoved);
    case 'promotion.requested':
      return g.projectPromotionRequested(tx, entry, payload as gp.PromotionRequested);
    case 'promotion.approved':
      return g.projectPromotionApproved(tx, entry, payload as gp.PromotionApproved);
    case 'promotion.rejected':
      return g.projectPromotionRejected(tx, entry, payload as gp.PromotionRejected);
    case 'promotion.withdrawn':
      return g.projectRequestWithdrawn(tx, entry, 'promotion_requests', payload as gp.RequestWithdrawn);
    case 'version.promoted':
      return g.projectVersionPromoted(tx, entry, payload as gp.VersionPromoted);
    case 'environment.created':
      return g.projectEnvironmentCreated(tx, entry, payload as gp.EnvironmentCreated);
    case 'version.deployed':
      await g.projectVersionDeployed(tx, entry, payload as gp.VersionDeployed);
      return projectDeploymentEdge(tx, entry, payload as gp.VersionDeployed);
    case 'deployment.reported':
      return g.projectDeploymentReported(tx, entry, payload as gp.DeploymentReported);
    case 'alias.rolled_back':
      return g.projectAliasRolledBack(tx, entry, payload as gp.AliasRolledBack);
    case 'version.quarantined':
      return g.projectVersionQuarantined(tx, entry, payload as gp.VersionQuarantined);
    case 'version.released':
      return g.projectVersionReleased(tx, entry, payload as gp.VersionReleased);
    case 'version.retired':
      return g.projectVersionRetired(tx, entry, payload as gp.VersionRetired);
    case 'change.requested':
      return g.projectChangeRequested(tx, entry, payload as gp.ChangeRequested);
    case 'change.approved':
      return g.projectChangeDecided(tx, entry, payload as gp.ChangeApproved, 'approved');
    case 'change.rejected':
      return g.projectChangeDecided(tx, entry, payload as gp.ChangeRejected, 'rejected');
    case 'change.withdrawn':
      return g.projectRequestWithdrawn(tx, entry, 'change_requests', payload as gp.RequestWithdrawn);
    case 'version.amended':
      await g.projectVersionAmended(tx, entry, payload as gp.VersionAmended);
      return projectVersionEdges(tx, entry, payload as gp.VersionAmended, (payload as gp.VersionAmended).metadata as VersionMetadata);
    case 'version.deprecated':
      return g.projectVersionDeprecated(tx, entry, payload as gp.VersionDeprecated);
    case 'lineage.node_recorded':
      return projectNodeRecorded(tx, entry, payload as LineageNodeRecorded);
    case 'lineage.edge_added':
      return projectEdgeAdded(tx, entry, payload as LineageEdgeChanged);
    case 'lineage.edge_removed':
      return projectEdgeRemoved(tx, payload as LineageEdgeChanged);
    case 'advisory.imported':
      return projectAdvisoryImported(tx, entry, payload as AdvisoryImported);
    case 'library.deprecated':
      return projectLibraryDeprecated(tx, entry, payload as LibraryDeprecated);
    case 'license_policy.set':
      return r.projectPolicyDocumentSet(tx, entry, 'license', payload as rp.PolicyDocumentSet);
    case 'risk_rubric.set':
      return r.projectPolicyDocumentSet(tx, entry, 'rubric', payload as rp.PolicyDocumentSet);
    case 'risk.scored':
      return r.projectRiskScored(tx, entry, payload as rp.RiskScored);
    case 'incident.opened':
      return r.projectIncidentOpened(tx, entry, payload as rp.IncidentOpened);
    case 'incident.resolved':
      return r.projectIncidentResolved(tx, entry, payload as rp.IncidentResolved);
    case 'webhook.registered':
      return r.projectWebhookRegistered(tx, entry, payload as ap.WebhookRegistered);
    case 'webhook.removed':
      return r.projectWebhookRemoved(tx, payload as ap.WebhookRemoved);
    case 'access.batch_anchored':
      // The access log is not a projection: its rows are written beside this entry by the anchoring command.
      return;
  }
}

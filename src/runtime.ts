import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { CommentRepository } from './comments/comment-repository';
import { CommentService } from './comments/comment-service';
import { ThreadCache } from './comments/thread-cache';
import type { Config } from './config';
import { clock, type DatabaseRuntime, openDatabaseRuntime } from './database-runtime';
import { ParleyMetrics } from './metrics/parley-metrics';
import { AkismetClient } from './moderation/akismet';
import { AuditLog } from './moderation/audit-log';
import { BanRepository } from './moderation/ban-repository';
import { ContentClassifier } from './moderation/classifier/content-classifier';
import { readModelFile } from './moderation/classifier/model-file';
import { ModelLayers } from './moderation/classifier/model-layers';
import { findingListSchema } from './moderation/finding';
import { MailComposer } from './mail/mail-composer';
import { MailDelivery } from './mail/mail-delivery';
import { MailLinkService } from './mail/mail-link-service';
import { MailListener } from './mail/mail-listener';
import { mailPersonalData } from './mail/mail-personal-data';
import { MailSender } from './mail/mail-sender';
import { MailStore } from './mail/mail-store';
import { NotificationService } from './mail/notification-service';
import { MailQueue } from './queue/mail-queue';
import { CommentModerator } from './moderation/comment-moderator';
import { ModerationFeedback } from './moderation/feedback';
import { FloodCounters } from './moderation/flood-counters';
import { ModerationService } from './moderation/moderation-service';
import { ChangeFeed } from './queue/change-feed';
import { FeedbackQueue } from './queue/feedback-queue';
import { ModerationQueue } from './queue/moderation-queue';
import { BanPersonalData } from './privacy/ban-data';
import { CommentPersonalData } from './privacy/comment-data';
import { IpRetention } from './privacy/ip-retention';
import { PrivacyService } from './privacy/privacy-service';
import { createRedisConnection } from './queue/redis';
import { RetentionQueue } from './queue/retention-queue';
import { WebhookQueue } from './queue/webhook-queue';
import { SiteCache } from './sites/site-cache';
import { EndpointSlots } from './webhooks/endpoint-slots';
import { EventOutbox } from './webhooks/outbox';
import { TargetPolicy } from './webhooks/target-policy';
import { WebhookDelivery } from './webhooks/webhook-delivery';
import { WebhookService } from './webhooks/webhook-service';
import { WebhookStore } from './webhooks/webhook-store';

/** Everything a role needs, built once from the configuration. */
export interface Runtime extends DatabaseRuntime {
  logger: Logger;
  redisAddress: string;
  producerConnection: Redis;
  commentRepository: CommentRepository;
  commentService: CommentService;
  /** Tells every API replica what changed, so their caches drop it. */
  changeFeed: ChangeFeed;
  /** Sites as the request path finds them: in memory, dropped when they change. */
  siteCache: SiteCache;
  commentModerator: CommentModerator;
  moderationQueue: ModerationQueue;
  feedbackQueue: FeedbackQueue;
  moderationFeedback: ModerationFeedback;
  contentClassifier: ContentClassifier;
  modelLayers: ModelLayers;
  moderationService: ModerationService;
  webhookQueue: WebhookQueue;
  webhookDelivery: WebhookDelivery;
  webhookService: WebhookService;
  mailQueue: MailQueue;
  /** Present when mail is on (PARLEY_SMTP_URL): what the mail worker runs, and the client `parley mail test` uses. */
  mail: { delivery: MailDelivery; sender: MailSender } | undefined;
  notificationService: NotificationService;
  mailLinkService: MailLinkService;
  privacyService: PrivacyService;
  ipRetention: IpRetention;
  retentionQueue: RetentionQueue;
  /** Every queue of this runtime: the metrics and the queue dashboard report these. */
  queues: Queue[];
  /** This process's Prometheus metrics (a registry of its own). */
  metrics: ParleyMetrics;
}

export async function openRuntime(
  config: Config,
  options: { logger: Logger; redisAddress?: string },
): Promise<Runtime> {
  const { logger } = options;
  const base = await openDatabaseRuntime(config, { logger });
  const { db, siteRepository, secret } = base;
  const redisAddress = options.redisAddress ?? config.redis.url;
  const producerConnection = createRedisConnection(redisAddress, 'producer');
  producerConnection.on('error', (err) => logger.debug({ err: err.message }, 'redis connection error'));

  const changeFeed = new ChangeFeed({
    publisher: producerConnection,
    subscriber: () => createRedisConnection(redisAddress, 'worker'),
    prefix: config.redis.prefix,
    logger,
  });
  const threadCache = new ThreadCache({ maxAgeMs: config.cacheMs, clock });
  const siteCache = new SiteCache({ sites: siteRepository, maxAgeMs: config.cacheMs, clock });
  changeFeed.onChange((change) => {
    if (change.kind === 'page') threadCache.dropPage(change.siteKey, change.pageId);
    else if (change.kind === 'site') siteCache.drop(change.siteKey);
    else {
      threadCache.dropAll();
      siteCache.dropAll();
    }
  });
  siteRepository.onChange((siteKey) => changeFeed.publish({ kind: 'site', siteKey }));
  const commentRepository = new CommentRepository({
    db,
    parseFindings: (json) => findingListSchema.parse(json),
    onPageChange: (page) => changeFeed.publish({ kind: 'page', ...page }),
  });
  const moderationQueue = new ModerationQueue({ connection: producerConnection, prefix: config.redis.prefix });
  const banRepository = new BanRepository({ db, clock });
  const feedbackQueue = new FeedbackQueue({ connection: producerConnection, prefix: config.redis.prefix });
  const modelLayers = new ModelLayers({ redis: producerConnection, prefix: config.redis.prefix });
  const contentClassifier = new ContentClassifier({
    loadModel: () => (config.moderation.modelFile ? readModelFile(config.moderation.modelFile) : undefined),
    modelLayers,
    lessonsPerHour: config.moderation.lessonsPerHour,
    agreeingSites: 3,
    clock,
  });
  const akismetClient = config.akismet && new AkismetClient({ ...config.akismet, timeoutMs: 5000 });
  const webhookQueue = new WebhookQueue({
    connection: producerConnection,
    prefix: config.redis.prefix,
    retrySchedule: config.webhooks.retryScheduleMs,
  });
  const webhookStore = new WebhookStore(db);
  const mailStore = new MailStore(db);
  const mailQueue = new MailQueue({
    connection: producerConnection,
    prefix: config.redis.prefix,
    retrySchedule: config.mail?.retryScheduleMs ?? [],
  });
  const mailListener = new MailListener({ mailStore, mailQueue, secret, logger, clock });
  const eventOutbox = new EventOutbox({
    db,
    webhookStore,
    webhookQueue,
    logger,
    clock,
    listeners: config.mail ? [mailListener] : [],
  });
  const targetPolicy = new TargetPolicy({ strict: config.production, allowlist: config.webhooks.allowlist });
  const webhookDelivery = new WebhookDelivery({
    webhookStore,
    webhookQueue,
    targetPolicy,
    endpointSlots: new EndpointSlots({
      redis: producerConnection,
      prefix: config.redis.prefix,
      perEndpoint: config.webhooks.perEndpoint,
      holdMs: config.webhooks.timeoutMs + 5000,
      clock,
    }),
    timeoutMs: config.webhooks.timeoutMs,
    disableAfterMs: 3 * 24 * 3600_000,
    logger,
    clock,
  });
  const retentionQueue = new RetentionQueue({ connection: producerConnection, prefix: config.redis.prefix });
  const auditLog = new AuditLog({ db, clock });
  const moderationService = new ModerationService({
    commentRepository,
    eventOutbox,
    banRepository,
    auditLog,
    feedbackQueue,
    logger,
    clock,
  });
  const mailSender = config.mail && new MailSender({ smtpUrl: config.mail.smtpUrl, from: config.mail.from });
  const mailDelivery =
    config.mail &&
    mailSender &&
    new MailDelivery({
      mailStore,
      mailQueue,
      composer: new MailComposer({
        mailStore,
        commentRepository,
        siteRepository,
        secret,
        publicUrl: config.publicUrl,
        clock,
      }),
      sender: mailSender,
      commentRepository,
      banRepository,
      perAddressPerHour: config.mail.perAddressPerHour,
      logger,
      clock,
    });
  const queues: Queue[] = [
    moderationQueue.queue,
    feedbackQueue.queue,
    webhookQueue.queue,
    retentionQueue.queue,
    mailQueue.queue,
  ];
  return {
    ...base,
    logger,
    redisAddress,
    producerConnection,
    commentRepository,
    commentService: new CommentService({
      commentRepository,
      moderationQueue,
      eventOutbox,
      threadCache,
      secret,
      clock,
      logger,
    }),
    changeFeed,
    siteCache,
    commentModerator: new CommentModerator({
      commentRepository,
      eventOutbox,
      siteRepository,
      banRepository,
      floodCounters: new FloodCounters({ redis: producerConnection, prefix: config.redis.prefix }),
      contentClassifier,
      akismetClient,
      secret,
      maxLength: config.maxCommentLength,
      clock,
    }),
    moderationQueue,
    feedbackQueue,
    moderationFeedback: new ModerationFeedback({ commentRepository, siteRepository, contentClassifier, akismetClient }),
    contentClassifier,
    modelLayers,
    moderationService,
    privacyService: new PrivacyService({
      // The comments source last: it scrubs the logs of what the others erased too.
      sources: [
        new BanPersonalData({ db }),
        ...mailPersonalData({ mailStore, secret }),
        new CommentPersonalData({ db, moderationService }),
      ],
      auditLog,
      clock,
    }),
    ipRetention: new IpRetention({ db, days: config.ipRetentionDays, clock }),
    retentionQueue,
    webhookQueue,
    webhookDelivery,
    webhookService: new WebhookService({
      webhookStore,
      webhookQueue,
      webhookDelivery,
      targetPolicy,
      rotationGraceMs: 24 * 3600_000,
      clock,
    }),
    mailQueue,
    mail: mailDelivery && mailSender ? { delivery: mailDelivery, sender: mailSender } : undefined,
    notificationService: new NotificationService({
      mailStore: config.mail ? mailStore : undefined,
      mailQueue,
      siteRepository,
      secret,
      logger,
      clock,
    }),
    mailLinkService: new MailLinkService({
      mailStore,
      commentRepository,
      siteRepository,
      moderationService,
      principalIsLive: (principal) => base.tokenService.isLive(principal),
      secret,
      publicUrl: config.publicUrl,
      clock,
    }),
    queues,
    metrics: new ParleyMetrics({ queues }),
    async close() {
      await Promise.all([
        moderationQueue.close(),
        feedbackQueue.close(),
        webhookQueue.close(),
        retentionQueue.close(),
        mailQueue.close(),
      ]);
      mailSender?.close();
      changeFeed.close();
      producerConnection.disconnect();
      await base.close();
    },
  };
}
